/**
 * Seeded generator of realistic UASC populations with ground truth.
 *
 * Family by family (deterministic per family index, so any family can be
 * regenerated without the others): parents, 1–6 children of whom 1–4 were
 * separated, a separation event; separated children are registered by
 * agencies (sometimes twice), families file tracing requests (sometimes two
 * relatives separately). Each record is written by an agency with its own
 * romanisation conventions and data-entry habits, and noised as described in
 * NOISE (documented in docs/matching.md).
 */
import { MatchRecord, PersonName, Place } from '../../libs/matching-engine/src/types';
import { CULTURES, Culture, NameEntry } from './cultures';
import { Rng, hashSeed, zipfCum } from './rng';
import { arabicScript, renderCongolese, romaniseCyrillic, romaniseEthiopic, romanisePhonemic, typo } from './render';

export const NOISE = {
  registered: 0.72, // a separated child is registered by an agency
  duplicateRegistration: 0.04, // ...and registered again by another agency
  requestFiled: 0.75, // the family files a tracing request
  requestCoversAll: 0.9, // the request names every separated child (else a subset)
  secondRequest: 0.05, // another relative files a separate request
  consent: 0.94,
  agencyConventionKept: 0.75, // record written with the agency's usual romanisation (else another)
  fullNameOnly: 0.25, // only `full` filled instead of given/family
  swapGivenFamily: 0.05,
  typoPerToken: 0.03,
  houseStyle: 0.8, // an agency renders a given name with its usual spelling (else the clerk's own)
  nicknameAsGiven: 0.03,
  nicknameListed: 0.08,
  dob: {
    child: { exact: 0.35, yearOnly: 0.15, estimated: 0.45 }, // rest missing
    sought: { exact: 0.7, yearOnly: 0.1, estimated: 0.15 }, // families mostly know the birthday
    exactErrors: { dmSwap: 0.04, dayWrong: 0.04, yearOff: 0.04 },
    ageSd: { child: 1.3, sought: 0.8 },
    ageOffByThree: 0.07,
    janFirstPlaceholderAgencies: 0.5,
  },
  sexMissing: 0.02,
  sexWrong: 0.005,
  origin: { pcode: 0.55, textOnly: 0.3 }, // rest missing; pcode level admin1/2/3 = 10/60/30 %
  separationPlace: 0.6,
  separationDate: 0.6,
  // a child knows the parents' names depending on age (<3, 3–5, ≥6 years at registration)
  mother: { child: [0.15, 0.5, 0.85], sought: 0.6 },
  father: { child: [0.1, 0.45, 0.8], sought: 0.7 },
  siblingsListed: { child: 0.3, sought: 0.45 },
  languages: 0.8,
  nationality: 0.85,
  placeTextTypo: 0.1,
  twins: 0.04, // a separated child is the twin of the previous one
  // contradictions seen in real files
  originOtherRegion: 0.05, // last place of residence recorded instead of origin (same country)
  originOtherCountry: 0.01,
  separationOtherPlace: 0.1, // a different point on the route
  separationDateFar: 0.05, // months apart (displacement date vs separation date)
  dobWild: 0.01, // an unrelated date of birth (someone else's / guessed)
  languageOther: 0.04, // a different language recorded (second language, interpreter's)
  separationAtEvent: 0.6, // a family separated during one of its culture's 8 displacement events (±10 days)
};

/** Zipf exponent of family/clan names over head + synthetic tail (top surname ≈ 1–3 %) */
const FAMILY_ZIPF = 0.75;

export interface Truth {
  person: number;
  family: number;
  culture: string;
}

export interface GeneratedFamily {
  records: MatchRecord[];
  truth: Map<string, Truth>;
}

const cumCache = new Map<number, Float64Array>();
function zipfPick(rng: Rng, list: NameEntry[], s = 1.0): NameEntry {
  let c = cumCache.get(list.length * 100 + Math.round(s * 100));
  if (!c) {
    c = zipfCum(list.length, s);
    cumCache.set(list.length * 100 + Math.round(s * 100), c);
  }
  return list[rng.weighted(c)];
}

const CULTURE_CUM = (() => {
  const c: number[] = [];
  let acc = 0;
  for (const x of CULTURES) c.push((acc += x.weight));
  return c;
})();

export const AGENCIES = ['unicef', 'icrc-rfl', 'unhcr', 'save-the-children', 'irc', 'nrc', 'plan', 'wv', 'hi', 'trc'];
const agencyJanFirst = (a: number) => (hashSeed(a, 77) % 100) / 100 < NOISE.dob.janFirstPlaceholderAgencies;
function agencyConvention(agency: number, culture: Culture, rng: Rng): string {
  const convs = culture.conventions;
  if (rng.chance(NOISE.agencyConventionKept)) {
    // each agency has a fixed preferred convention per culture, drawn by the convention weights
    const r = (hashSeed(agency, culture.weight * 1000, convs.length) % 10000) / 10000;
    let acc = 0;
    const tot = convs.reduce((a, [, w]) => a + w, 0);
    for (const [c, w] of convs) {
      acc += w / tot;
      if (r < acc) return c;
    }
    return convs[convs.length - 1][0];
  }
  const tot = convs.reduce((a, [, w]) => a + w, 0);
  let x = rng.next() * tot;
  for (const [c, w] of convs) if ((x -= w) <= 0) return c;
  return convs[0][0];
}

export interface PersonTruth {
  sex: 'male' | 'female';
  given: NameEntry;
  given2?: NameEntry; // Rohingya/Afghan two-part given names, Congolese prénom
  father?: NameEntry;
  grandfather?: NameEntry;
  family?: NameEntry;
  family2?: NameEntry; // Congolese postnom
  dob: { y: number; m: number; d: number };
}

const NICKNAMES: Record<string, string[]> = {
  arabic: ['Hamoudi', 'Abboud', 'Sousou', 'Mimi', 'Didi', 'Zouzou'],
  somali: ['Dheere', 'Yarey', 'Gaab', 'Cadey', 'Guray'],
  afghan: ['Jan', 'Baba', 'Gulu', 'Nazo', 'Pari'],
  rohingya: ['Babu', 'Mona', 'Sona', 'Kala', 'Moni'],
  tigrinya: ['Bini', 'Mike', 'Sami', 'Lulu', 'Yoni'],
  congolese: ['Papy', 'Dede', 'Kiki', 'Bebe', 'Toto', 'Fifi'],
  ukrainian: [],
};

/** djb2 of a string, for deterministic per-(agency, name) spelling habits */
function strHash(x: string): number {
  let h = 5381;
  for (let i = 0; i < x.length; i++) h = (Math.imul(h, 33) + x.charCodeAt(i)) | 0;
  return h >>> 0;
}

function renderEntry(e: NameEntry, culture: Culture, conv: string, recRng: Rng, male: boolean, agency: number): string {
  // an agency's staff spell a given name the same way most of the time (house style);
  // sometimes the person at the desk spells it their own way
  const rng = recRng.chance(NOISE.houseStyle) ? new Rng(hashSeed(agency, strHash(conv), strHash(e.c))) : recRng;
  switch (culture.id) {
    case 'tigrinya': return romaniseEthiopic(e.c, conv, rng);
    case 'ukrainian': return romaniseCyrillic(e.c, e.ru, e.en, conv, rng);
    case 'congolese': return renderCongolese(e.c, conv, rng);
    default: return romanisePhonemic(e.c, conv, rng, male);
  }
}

function nativeEntry(e: NameEntry, culture: Culture, rng: Rng): string | null {
  switch (culture.script) {
    case 'arabic': return arabicScript(e.c, culture.id === 'afghan', rng);
    case 'ethiopic':
    case 'cyrillic': return e.c;
    default: return null;
  }
}

function patronymic(father: NameEntry, female: boolean): NameEntry {
  const base = father.c;
  const ru = father.ru ?? base;
  const uk = base.endsWith('ій') ? base.slice(0, -2) + (female ? 'іївна' : 'ійович') : base.endsWith('о') ? base.slice(0, -1) + (female ? 'івна' : 'ович') : base + (female ? 'івна' : 'ович');
  const r = ru.endsWith('ий') || ru.endsWith('ей') ? ru.slice(0, -2) + (female ? 'ьевна' : 'ьевич') : ru + (female ? 'овна' : 'ович');
  return { c: uk, ru: r };
}

/** the structured parts of a person's name as the culture writes them */
function nameParts(p: PersonTruth, culture: Culture, rng: Rng): { given: NameEntry[]; middle: NameEntry[]; family: NameEntry[] } {
  const g = [p.given, ...(p.given2 ? [p.given2] : [])];
  switch (culture.id) {
    case 'arabic': {
      const r = rng.next();
      if (!p.family || r < 0.4) return { given: g, middle: [], family: [p.father!] };
      if (r < 0.7) return { given: g, middle: [], family: [p.family] };
      if (r < 0.85) return { given: g, middle: [p.father!], family: [p.grandfather!] };
      return { given: g, middle: [p.father!], family: [p.family] };
    }
    case 'somali':
    case 'tigrinya': {
      const r = rng.next();
      if (r < 0.35) return { given: g, middle: [], family: [p.father!] };
      if (r < 0.85) return { given: g, middle: [p.father!], family: [p.grandfather!] };
      if (r < 0.92) return { given: g, middle: [], family: [p.father!, p.grandfather!] };
      return { given: g, middle: [], family: [] };
    }
    case 'afghan': {
      const r = rng.next();
      if (p.family && r < 0.5) return { given: g, middle: [], family: [p.family] };
      if (r < 0.8) return { given: g, middle: [], family: [p.father!] };
      return { given: g, middle: [], family: [] };
    }
    case 'rohingya': {
      const r = rng.next();
      if (r < 0.35) return { given: g, middle: [], family: [p.father!] };
      return { given: g, middle: [], family: [] };
    }
    case 'ukrainian': {
      const pat = patronymic(p.father!, p.sex === 'female');
      return rng.chance(0.25) ? { given: g, middle: [pat], family: [p.family!] } : { given: g, middle: [], family: [p.family!] };
    }
    case 'congolese': {
      const r = rng.next();
      if (r < 0.7) return { given: g, middle: [], family: [p.family!, p.family2!] };
      return { given: g, middle: [], family: [p.family!] };
    }
  }
}

function writeName(p: PersonTruth, culture: Culture, agency: number, rng: Rng, allowNick: boolean): PersonName {
  const conv = agencyConvention(agency, culture, rng);
  const male = p.sex === 'male';
  const raw = nameParts(p, culture, rng);
  const parts = { given: raw.given.filter(Boolean), middle: raw.middle.filter(Boolean), family: raw.family.filter(Boolean) };
  const render = (es: NameEntry[]) => es.map((e) => renderEntry(e, culture, conv, rng, male, agency)).join(' ');
  const noisy = (s: string) => s.split(' ').map((w) => (w && rng.chance(NOISE.typoPerToken) ? typo(w, rng) : w)).join(' ');
  let given = noisy(render(parts.given));
  const middle = noisy(render(parts.middle));
  let family = noisy(render(parts.family));
  const out: PersonName = {};
  const nicks = culture.id === 'ukrainian' ? (p.given.dim ?? []).map((d) => romaniseCyrillic(d, undefined, undefined, rng.chance(0.5) ? 'kmu' : 'ru', rng)) : NICKNAMES[culture.id];
  if (allowNick && nicks.length > 0) {
    if (rng.chance(NOISE.nicknameAsGiven)) given = rng.pick(nicks);
    else if (rng.chance(NOISE.nicknameListed)) out.nicknames = [rng.pick(nicks)];
  }
  if (rng.chance(NOISE.swapGivenFamily) && family) [given, family] = [family, given];
  // the original-script form
  let original: string | null = null;
  if (culture.script && rng.chance(culture.originalRate)) {
    const order = culture.id === 'ukrainian' && rng.chance(0.3) ? [...parts.family, ...parts.given, ...parts.middle] : [...parts.given, ...parts.middle, ...parts.family];
    const nat = order.map((e) => nativeEntry(e, culture, rng)).filter(Boolean);
    if (nat.length) original = nat.join(' ');
  }
  if (original) out.original = original;
  const onlyOriginal = original !== null && rng.chance(0.1);
  if (onlyOriginal) return out;
  if (rng.chance(NOISE.fullNameOnly)) {
    const order = culture.id === 'congolese' && rng.chance(0.45) ? [family, given] : culture.id === 'ukrainian' && rng.chance(0.2) ? [family, given, middle] : [given, middle, family];
    out.full = order.filter(Boolean).join(' ');
  } else {
    if (given) out.given = given;
    if (middle) out.middle = middle;
    if (family) out.family = family;
  }
  return out;
}

function fmtDate(y: number, m: number, d: number): string {
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
function addDays(y: number, m: number, d: number, days: number): { y: number; m: number; d: number } {
  const t = new Date(Date.UTC(y, m - 1, d) + days * 86400000);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}
function ageAt(dob: { y: number; m: number; d: number }, at: { y: number; m: number; d: number }): number {
  let a = at.y - dob.y;
  if (at.m < dob.m || (at.m === dob.m && at.d < dob.d)) a--;
  return a;
}

function birthFields(p: PersonTruth, side: 'child' | 'sought', recordedOn: { y: number; m: number; d: number }, agency: number, rng: Rng): Partial<MatchRecord> {
  const cfg = side === 'child' ? NOISE.dob.child : NOISE.dob.sought;
  const r = rng.next();
  let { y, m, d } = p.dob;
  if (rng.chance(NOISE.dobWild)) { y += (rng.chance(0.5) ? 1 : -1) * rng.int(2, 5); m = rng.int(1, 12); d = rng.int(1, 28); }
  if (r < cfg.exact) {
    let yy = y, mm = m, dd = d;
    const e = rng.next();
    const er = NOISE.dob.exactErrors;
    if (e < er.dmSwap && d <= 12 && d !== m) [mm, dd] = [d, m];
    else if (e < er.dmSwap + er.dayWrong) dd = Math.min(28, Math.max(1, d + rng.int(-9, 9) || 1));
    else if (e < er.dmSwap + er.dayWrong + er.yearOff) yy = y + (rng.chance(0.5) ? 1 : -1);
    return { dateOfBirth: fmtDate(yy, mm, dd) };
  }
  if (r < cfg.exact + cfg.yearOnly) {
    const yy = rng.chance(0.08) ? y + (rng.chance(0.5) ? 1 : -1) : y;
    return { dateOfBirth: agencyJanFirst(agency) ? `${yy}-01-01` : String(yy) };
  }
  if (r < cfg.exact + cfg.yearOnly + cfg.estimated) {
    const trueAge = ageAt({ y, m, d }, recordedOn);
    let age = Math.round(trueAge + rng.normal(0, side === 'child' ? NOISE.dob.ageSd.child : NOISE.dob.ageSd.sought));
    if (rng.chance(NOISE.dob.ageOffByThree)) age += rng.chance(0.5) ? 3 : -3;
    return { estimatedAgeYears: Math.max(0, age), ageRecordedOn: fmtDate(recordedOn.y, recordedOn.m, recordedOn.d) };
  }
  return {};
}

interface FamilyTruth {
  culture: Culture;
  fatherT: PersonTruth;
  motherT: PersonTruth;
  children: PersonTruth[];
  origin: { admin1: string; admin2: string; admin3: string; text: string[] };
  separation: { code: string; texts: string[]; date: { y: number; m: number; d: number } };
}

function placeField(codes: { admin1: string; admin2: string; admin3: string; text: string[] }, country: string, rng: Rng, pcodeRate: number, textRate: number): Place | undefined {
  const r = rng.next();
  const text = () => {
    let t = rng.pick(codes.text);
    if (rng.chance(NOISE.placeTextTypo)) t = typo(t, rng);
    return t;
  };
  if (r < pcodeRate) {
    const lv = rng.next();
    const pcode = lv < 0.1 ? codes.admin1 : lv < 0.7 ? codes.admin2 : codes.admin3;
    return rng.chance(0.5) ? { pcode, text: text(), country } : { pcode, country };
  }
  if (r < pcodeRate + textRate) return rng.chance(0.5) ? { text: text(), country } : { text: text() };
  return undefined;
}

function makePerson(culture: Culture, sex: 'male' | 'female', rng: Rng, dob: { y: number; m: number; d: number }, avoid: Set<string>): PersonTruth {
  const pool = sex === 'male' ? culture.male : culture.female;
  let given = zipfPick(rng, pool, culture.givenZipf);
  for (let k = 0; k < 10 && avoid.has(given.c); k++) given = zipfPick(rng, pool, culture.givenZipf);
  avoid.add(given.c);
  const p: PersonTruth = { sex, given, dob };
  if (culture.id === 'congolese' && rng.chance(0.5)) {
    // Swahili or French second given name
    p.given2 = zipfPick(rng, pool, culture.givenZipf);
    if (p.given2.c === given.c) p.given2 = undefined;
  }
  return p;
}

/** A family's parents and what they pass on: the first draws of the family's generator. */
function drawParents(rng: Rng) {
  const culture = CULTURES[rng.weighted(CULTURE_CUM)];
  const famEntry = culture.family.length ? zipfPick(rng, culture.family, FAMILY_ZIPF) : undefined;
  const famEntry2 = culture.id === 'congolese' ? zipfPick(rng, culture.family, FAMILY_ZIPF) : undefined;
  const grandpa = zipfPick(rng, culture.male, culture.givenZipf);
  const motherFather = zipfPick(rng, culture.male, culture.givenZipf);
  // separations cluster around displacement events (offensives, floods, evacuations)
  let sepDate = { y: rng.int(2019, 2024), m: rng.int(1, 12), d: rng.int(1, 28) };
  if (rng.chance(NOISE.separationAtEvent)) {
    const ev = new Rng(hashSeed(CULTURES.indexOf(culture), rng.int(0, 7), 555));
    const base = { y: ev.int(2019, 2024), m: ev.int(1, 12), d: ev.int(1, 28) };
    sepDate = addDays(base.y, base.m, base.d, Math.round(rng.normal(0, 10)));
  }
  const fatherT: PersonTruth = { sex: 'male', given: zipfPick(rng, culture.male, culture.givenZipf), father: grandpa, family: famEntry, family2: famEntry2, dob: { y: sepDate.y - rng.int(25, 50), m: 1, d: 1 } };
  fatherT.grandfather = zipfPick(rng, culture.male, culture.givenZipf);
  const motherT: PersonTruth = { sex: 'female', given: zipfPick(rng, culture.female, culture.givenZipf), father: motherFather, family: culture.family.length ? zipfPick(rng, culture.family, FAMILY_ZIPF) : undefined, dob: { y: sepDate.y - rng.int(22, 45), m: 1, d: 1 } };
  motherT.grandfather = zipfPick(rng, culture.male, culture.givenZipf);
  if (culture.id === 'ukrainian' || culture.id === 'congolese') { motherT.family = famEntry; motherT.family2 = famEntry2; }
  if (culture.id === 'rohingya' && rng.chance(0.5)) motherT.given2 = { c: rng.chance(0.6) ? 'bEgum' : 'xAtUn' };
  if (culture.id === 'afghan' && rng.chance(0.25)) fatherT.given2 = { c: rng.pick(['xAn', 'gul', 'SAh', 'jAn']) };
  return { culture, famEntry, famEntry2, sepDate, fatherT, motherT };
}

/** An adult of a generated family (a parent), and its culture. */
export interface GeneratedAdult {
  family: number;
  role: 'father' | 'mother';
  culture: Culture;
  truth: PersonTruth;
}

/**
 * The parents of family `index` (the same people generateFamily(seed, index) writes as parents and
 * inquirers) — for benchmarks about adults' names (safeguarding restrictions).
 */
export function familyParents(seed: number, index: number): GeneratedAdult[] {
  const { culture, fatherT, motherT } = drawParents(new Rng(hashSeed(seed, index)));
  return [
    { family: index, role: 'father', culture, truth: fatherT },
    { family: index, role: 'mother', culture, truth: motherT },
  ];
}

/** An adult's name as agency `agency` writes it (its convention, house style, typos, scripts). */
export function writeAdultName(adult: GeneratedAdult, agency: number, rng: Rng): PersonName {
  return writeName(adult.truth, adult.culture, agency, rng, false);
}

/** Generate one family and its records. Deterministic in (seed, index). */
export function generateFamily(seed: number, index: number, counters: { child: number; request: number }): GeneratedFamily {
  const rng = new Rng(hashSeed(seed, index));
  const { culture, famEntry, famEntry2, sepDate, fatherT, motherT } = drawParents(rng);
  // children
  const nChildren = rng.int(1, 6);
  const sepR = rng.next();
  const nSep = Math.min(nChildren, sepR < 0.6 ? 1 : sepR < 0.85 ? 2 : sepR < 0.95 ? 3 : 4);
  const used = new Set<string>();
  const children: PersonTruth[] = [];
  let twinOf: PersonTruth | null = null;
  for (let k = 0; k < nSep; k++) {
    const sex = rng.chance(0.52) ? 'male' : 'female';
    let dob = { y: sepDate.y - rng.int(0, 17), m: rng.int(1, 12), d: rng.int(1, 28) };
    if (twinOf && rng.chance(NOISE.twins)) dob = { ...twinOf.dob };
    const c = makePerson(culture, sex, rng, dob, used);
    c.father = fatherT.given;
    c.grandfather = fatherT.father;
    c.family = famEntry;
    c.family2 = culture.id === 'congolese' && rng.chance(0.5) ? zipfPick(rng, culture.family, FAMILY_ZIPF) : famEntry2;
    if (culture.id === 'congolese' && rng.chance(0.5)) c.family = zipfPick(rng, culture.family, FAMILY_ZIPF); // Congolese noms are not inherited
    if (culture.id === 'rohingya' && sex === 'male' && rng.chance(0.5)) c.given2 = zipfPick(rng, culture.male, culture.givenZipf);
    if (culture.id === 'rohingya' && sex === 'female' && rng.chance(0.5)) c.given2 = { c: rng.chance(0.6) ? 'bEgum' : 'xAtUn' };
    children.push(c);
    twinOf = c;
  }
  const region = rng.pick(culture.regions);
  const a2 = region.code + String(rng.int(1, 12)).padStart(2, '0');
  const origin = { admin1: region.code, admin2: a2, admin3: a2 + String(rng.int(1, 15)).padStart(2, '0'), text: region.names };
  const sepRegion = rng.chance(0.4) ? region : rng.pick(culture.separation);
  const separation = { code: sepRegion.code + String(rng.int(1, 9)).padStart(2, '0'), texts: sepRegion.names, date: sepDate };
  const fam: FamilyTruth = { culture, fatherT, motherT, children, origin, separation };

  const records: MatchRecord[] = [];
  const truth = new Map<string, Truth>();
  const personBase = index * 8;

  const parentName = (p: PersonTruth, agency: number, side: 'child' | 'sought'): PersonName | undefined => {
    const r = rng.next();
    const nm = writeName(p, culture, agency, rng, false);
    if (side === 'child' && r < 0.4) {
      // children often know only the parent's given name
      const given = nm.given ?? nm.full?.split(' ')[0];
      return given ? { given, original: nm.original?.split(' ')[0] } : nm;
    }
    return nm;
  };

  const makeRecord = (k: number, side: 'child' | 'sought', agency: number, id: string, groupId: string | undefined, recordedOn: { y: number; m: number; d: number }, inquirerRel: string | null): MatchRecord => {
    const c = children[k];
    const rec: MatchRecord = {
      id, side, agencyId: AGENCIES[agency], consentForTracing: rng.chance(NOISE.consent),
      name: writeName(c, culture, agency, rng, true),
    };
    if (groupId) rec.groupId = groupId;
    if (!rng.chance(NOISE.sexMissing)) rec.sex = rng.chance(NOISE.sexWrong) ? (c.sex === 'male' ? 'female' : 'male') : c.sex;
    Object.assign(rec, birthFields(c, side, recordedOn, agency, rng));
    let originUsed = origin;
    if (rng.chance(NOISE.originOtherRegion + NOISE.originOtherCountry)) {
      const other = rng.chance(NOISE.originOtherCountry / (NOISE.originOtherRegion + NOISE.originOtherCountry)) ? rng.pick(culture.separation) : rng.pick(culture.regions);
      const oa2 = other.code + String(rng.int(1, 12)).padStart(2, '0');
      originUsed = { admin1: other.code, admin2: oa2, admin3: oa2 + String(rng.int(1, 15)).padStart(2, '0'), text: other.names };
    }
    const country = originUsed.admin1.slice(0, 2);
    const o = placeField(originUsed, country, rng, NOISE.origin.pcode, NOISE.origin.textOnly);
    if (o) rec.placeOfOrigin = o;
    if (rng.chance(NOISE.separationPlace)) {
      let code = separation.code, texts = separation.texts;
      if (rng.chance(NOISE.separationOtherPlace)) {
        const other = rng.chance(0.5) ? rng.pick(culture.separation) : rng.pick(culture.regions);
        code = other.code + String(rng.int(1, 9)).padStart(2, '0');
        texts = other.names;
      }
      const sp = rng.chance(0.5) ? { pcode: code, country: code.slice(0, 2) } : { text: rng.pick(texts) };
      rec.placeOfSeparation = sp;
    }
    if (rng.chance(NOISE.separationDate)) {
      const off = rng.chance(NOISE.separationDateFar) ? (rng.chance(0.5) ? 1 : -1) * rng.int(60, 400) : rng.normal(0, side === 'child' ? 20 : 8);
      const dd = addDays(sepDate.y, sepDate.m, sepDate.d, Math.round(off));
      rec.dateOfSeparation = fmtDate(dd.y, dd.m, dd.d);
    }
    const age = ageAt(c.dob, recordedOn);
    const band = age < 3 ? 0 : age < 6 ? 1 : 2;
    const mRate = side === 'child' ? NOISE.mother.child[band] : NOISE.mother.sought;
    const fRate = side === 'child' ? NOISE.father.child[band] : NOISE.father.sought;
    if (inquirerRel === 'mother' || inquirerRel === 'father') {
      const who = inquirerRel === 'mother' ? motherT : fatherT;
      rec.inquirer = { name: parentName(who, agency, 'sought')!, relation: inquirerRel };
      if (inquirerRel === 'mother' && rng.chance(fRate)) rec.father = parentName(fatherT, agency, side);
      if (inquirerRel === 'father' && rng.chance(mRate)) rec.mother = parentName(motherT, agency, side);
    } else {
      if (rng.chance(mRate)) rec.mother = parentName(motherT, agency, side);
      if (rng.chance(fRate)) rec.father = parentName(fatherT, agency, side);
      if (inquirerRel) {
        const rel = makePerson(culture, inquirerRel === 'aunt' || inquirerRel === 'grandmother' ? 'female' : 'male', rng, { y: 1980, m: 1, d: 1 }, new Set());
        rel.father = zipfPick(rng, culture.male, culture.givenZipf);
        rel.family = famEntry;
        rec.inquirer = { name: writeName(rel, culture, agency, rng, false), relation: inquirerRel };
      }
    }
    const sibRate = side === 'child' ? NOISE.siblingsListed.child : NOISE.siblingsListed.sought;
    if (children.length > 1 && rng.chance(sibRate)) {
      rec.siblings = children.filter((_, j) => j !== k && rng.chance(0.85)).map((s) => {
        const nm = writeName(s, culture, agency, rng, false);
        return { given: nm.given ?? nm.full?.split(' ')[0] ?? nm.original };
      }).filter((s) => s.given);
      if (rec.siblings.length === 0) delete rec.siblings;
    }
    if (rng.chance(NOISE.languages)) {
      rec.languages = rng.chance(NOISE.languageOther)
        ? [rng.pick(['Arabic', 'English', 'Swahili', 'Russian', 'Kurdish', 'Urdu', 'Amharic', 'French'])]
        : culture.languages.filter((_, j) => j === 0 || rng.chance(0.5));
    }
    if (rng.chance(NOISE.nationality)) rec.nationality = rng.chance(0.05) ? rng.pick(['KE', 'ET', 'SD', 'IR', 'PK', 'BD', 'UG', 'TR']) : culture.nationality;
    truth.set(id, { person: personBase + k, family: index, culture: culture.id });
    return rec;
  };

  // registrations
  children.forEach((c, k) => {
    if (!rng.chance(NOISE.registered)) return;
    const regs = rng.chance(NOISE.duplicateRegistration) ? 2 : 1;
    let lastAgency = -1;
    for (let r = 0; r < regs; r++) {
      let agency = rng.int(0, AGENCIES.length - 1);
      if (agency === lastAgency) agency = (agency + 1) % AGENCIES.length;
      lastAgency = agency;
      const on = addDays(sepDate.y, sepDate.m, sepDate.d, rng.int(1, 300));
      records.push(makeRecord(k, 'child', agency, `c${counters.child++}`, undefined, on, null));
    }
    void c;
  });
  // tracing requests
  if (rng.chance(NOISE.requestFiled)) {
    const nReq = rng.chance(NOISE.secondRequest) ? 2 : 1;
    const rels = ['mother', 'mother', 'father', 'aunt', 'uncle', 'grandmother', 'brother'];
    for (let q = 0; q < nReq; q++) {
      const reqId = `t${counters.request++}`;
      const agency = rng.int(0, AGENCIES.length - 1);
      const rel = q === 0 ? (rng.chance(0.5) ? 'mother' : rng.pick(rels)) : rng.pick(rels);
      const on = addDays(sepDate.y, sepDate.m, sepDate.d, rng.int(5, 400));
      const ks = children.map((_, k) => k).filter(() => rng.chance(NOISE.requestCoversAll) || children.length === 1);
      if (ks.length === 0) ks.push(0);
      ks.forEach((k, j) => records.push(makeRecord(k, 'sought', agency, `${reqId}#${j + 1}`, reqId, on, rel)));
    }
  }
  void fam;
  return { records, truth };
}

export interface Population {
  records: MatchRecord[];
  truth: Map<string, Truth>;
  families: number;
}

/** Generate families until both sides reach `perSide` records (approximately). */
/**
 * Streams a population family by family until each side has `perSide` records, without keeping it
 * (what a million records per side needs): `visit` gets each record kept and its family's index.
 */
export function forEachRecord(seed: number, perSide: number, visit: (record: MatchRecord, family: number) => void): void {
  const counters = { child: 0, request: 0 };
  let nc = 0, ns = 0;
  for (let f = 0; nc < perSide || ns < perSide; f++) {
    for (const r of generateFamily(seed, f, counters).records) {
      if (r.side === 'child' ? nc >= perSide : ns >= perSide) continue;
      if (r.side === 'child') nc++; else ns++;
      visit(r, f);
    }
  }
}

export function generatePopulation(seed: number, perSide: number): Population {
  const records: MatchRecord[] = [];
  const truth = new Map<string, Truth>();
  const counters = { child: 0, request: 0 };
  let nChild = 0, nSought = 0, f = 0;
  while (nChild < perSide || nSought < perSide) {
    const fam = generateFamily(seed, f++, counters);
    for (const r of fam.records) {
      if (r.side === 'child' ? nChild >= perSide : nSought >= perSide) { fam.truth.delete(r.id); continue; }
      records.push(r);
      if (r.side === 'child') nChild++; else nSought++;
    }
    for (const [k, v] of fam.truth) truth.set(k, v);
  }
  return { records, truth, families: f };
}

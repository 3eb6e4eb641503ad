/**
 * Record preparation: a MatchRecord becomes a compact `Prepared` form (token
 * ids, month/day numbers, interned codes) that comparators work on and that
 * the index stores as a slice of one Int32 heap.
 */
import { MatchRecord, PersonName, Place } from './types';
import { Lexicon } from './lexicon';
import { IntVec, StringPool, TextHeap, hash32 } from './util';
import { tokeniseName, NameToken } from './text/names';
import { normaliseText } from './text/normalise';

export const NO_DATE = -0x7fffffff;

export interface PName {
  /** Latin-rendering tokens: given, then middle, then family */
  all: number[];
  nGiven: number;
  nMiddle: number;
  nick: number[];
  orig: number[];
  /** text id of the display form (given middle family, or full) */
  raw: number;
  /** text id of the original-script form */
  origRaw: number;
}

export interface PPlace {
  pcode: number;
  country: number;
  text: number[];
  raw: number;
}

export const enum BirthKind { None = 0, Year = 1, YearMonth = 2, Full = 3, Estimated = 4 }

export interface Prepared {
  /** where this record's display strings (raw, dobRaw, …) live */
  text: TextHeap;
  side: 0 | 1;
  consent: boolean;
  agency: number;
  /** 32-bit hash of the tracing request id (0 = none) */
  group: number;
  sex: number;
  birthKind: BirthKind;
  /** birth interval in months since year 0 (y*12 + m-1) */
  birthLo: number;
  birthHi: number;
  /** y*10000 + m*100 + d for dates given as dates (0 otherwise) */
  dob: number;
  dobRaw: number;
  /** estimated age × 100, or -1 */
  age100: number;
  ageOn: number;
  sepDate: number;
  sepDateRaw: number;
  nationality: number;
  languages: number[];
  origin: PPlace | null;
  separation: PPlace | null;
  name: PName;
  mother: PName | null;
  father: PName | null;
  motherFromInquirer: boolean;
  fatherFromInquirer: boolean;
  siblings: PName[];
}

export interface PrepareOptions {
  /** treat YYYY-01-01 as "year only" (a common placeholder for unknown birthdays) */
  janFirstIsYearOnly: boolean;
}

const MOTHER_WORDS = /^(mother|mom|mum|mama|mamma|maman|mere|birth mother|biological mother|umm|um|hooyo|mati|мати|мама|мать|ማማ|ኣደ|እናት|ام|أم|والدة|مور|مادر)$/i;
const FATHER_WORDS = /^(father|dad|daddy|papa|baba|pere|birth father|biological father|abu|aabo|aabe|batko|батько|тато|отец|папа|ኣቦ|አባት|اب|أب|والد|پلار|پدر)$/i;

const LANG: Record<string, string> = {
  arabic: 'ar', somali: 'so', pashto: 'ps', pushto: 'ps', dari: 'prs', persian: 'fa', farsi: 'fa', tigrinya: 'ti', tigrigna: 'ti',
  amharic: 'am', tigre: 'tig', ukrainian: 'uk', russian: 'ru', french: 'fr', lingala: 'ln', swahili: 'sw', kiswahili: 'sw',
  rohingya: 'rhg', english: 'en', kinyarwanda: 'rw', kirundi: 'rn', tshiluba: 'lua', luba: 'lua', kikongo: 'kg', urdu: 'ur',
  bengali: 'bn', bangla: 'bn', burmese: 'my', kurdish: 'ku', kurmanji: 'kmr', sorani: 'ckb', turkish: 'tr', hausa: 'ha',
};

const PLACE_STOP = new Set([
  'camp', 'district', 'city', 'village', 'town', 'region', 'province', 'oblast', 'rayon', 'raion', 'governorate', 'state',
  'zone', 'sub', 'county', 'near', 'the', 'of', 'de', 'du', 'la', 'le', 'idp', 'site', 'block', 'refugee', 'settlement',
  'ward', 'woreda', 'kebele', 'subcity', 'territory', 'territoire', 'quartier', 'commune', 'hromada', 'muhafazat', 'wilayat',
  'mudiriyat', 'nahiya', 'qada', 'area', 'centre', 'center', 'al', 'el',
]);

export function parseDate(s: string | undefined | null): { y: number; m: number; d: number } | null {
  if (!s) return null;
  const m = /^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?/.exec(s);
  if (!m) return null;
  const y = +m[1];
  const mo = m[2] ? +m[2] : 0;
  const d = m[3] ? +m[3] : 0;
  if (y < 1900 || y > 2200 || mo > 12 || d > 31) return null;
  if (mo === 0 && d > 0) return null;
  return { y, m: mo, d };
}

export function dayNumber(y: number, m: number, d: number): number {
  return Math.floor(Date.UTC(y, Math.max(0, m - 1), Math.max(1, d)) / 86_400_000);
}

export class Preparer {
  constructor(
    readonly lex: Lexicon,
    readonly pool: StringPool,
    readonly options: PrepareOptions = { janFirstIsYearOnly: true },
  ) {}

  /** where display strings go: the engine's store for upserts, a scratch heap for queries */
  text: TextHeap = new TextHeap();

  private tokens(raw: string | undefined): NameToken[] {
    return tokeniseName(raw, this.lex.isKnown).tokens;
  }

  private ids(toks: NameToken[]): number[] {
    return toks.map((t) => this.lex.token(t));
  }

  prepareName(n: PersonName | undefined | null): PName | null {
    if (!n) return null;
    let given = this.tokens(n.given);
    let middle = this.tokens(n.middle);
    let family = this.tokens(n.family);
    let display = [n.given, n.middle, n.family].filter((x) => x && x.trim()).join(' ');
    if (given.length + middle.length + family.length === 0 && n.full) {
      const all = this.tokens(n.full);
      given = all.slice(0, 1);
      family = all.slice(1);
      display = n.full;
    } else {
      // compounds split across fields: given "Abdul" + family "Rahman", given "Hamid" + family "Ullah"
      const parts = [given, middle, family];
      for (let p = 0; p < 2; p++) {
        const a = parts[p];
        const b = parts[p + 1].length > 0 ? parts[p + 1] : p === 0 ? parts[2] : [];
        if (a.length === 0 || b.length === 0) continue;
        const joined = this.tokens(a[a.length - 1].norm + ' ' + b[0].norm);
        if (joined.length === 1) {
          a[a.length - 1] = joined[0];
          b.shift();
        }
      }
    }
    const orig = this.tokens(n.original);
    const nick: NameToken[] = [];
    for (const k of n.nicknames ?? []) nick.push(...this.tokens(k));
    let origIds = this.ids(orig);
    let g = this.ids(given);
    let m = this.ids(middle);
    let f = this.ids(family);
    if (g.length + m.length + f.length === 0) {
      if (origIds.length === 0 && nick.length === 0) return null;
      // only the original script is known: it is the name
      g = origIds.slice(0, 1);
      f = origIds.slice(1);
      origIds = [];
    }
    if (g.length === 0 && (m.length > 0 || f.length > 0)) {
      const rest = [...m, ...f];
      g = rest.slice(0, 1);
      m = [];
      f = rest.slice(1);
    }
    return {
      all: g.length + m.length + f.length === g.length ? g : [...g, ...m, ...f],
      nGiven: g.length,
      nMiddle: m.length,
      nick: this.ids(nick),
      orig: origIds,
      raw: display ? this.text.add(display) : n.original ? this.text.add(n.original) : -1,
      origRaw: n.original ? this.text.add(n.original) : -1,
    };
  }

  preparePlace(p: Place | undefined | null): PPlace | null {
    if (!p) return null;
    const pcode = p.pcode ? p.pcode.trim().toUpperCase().replace(/[^A-Z0-9]/g, '') : '';
    const country = (p.country ?? (pcode.length >= 2 ? pcode.slice(0, 2) : '')).trim().toUpperCase();
    const text = p.text ? normaliseText(p.text).split(' ').filter((w) => w.length > 1 && !PLACE_STOP.has(w)) : [];
    if (!pcode && !country && text.length === 0) return null;
    const rawParts = [p.text, p.pcode, p.country].filter(Boolean).join(' · ');
    return {
      pcode: pcode ? this.pool.intern(pcode) : -1,
      country: country ? this.pool.intern(country) : -1,
      text: text.map((w) => this.lex.plainToken(w)),
      raw: rawParts ? this.text.add(rawParts) : -1,
    };
  }

  prepare(r: MatchRecord): Prepared {
    const pool = this.pool;
    const side: 0 | 1 = r.side === 'sought' ? 1 : 0;
    const sex = r.sex === 'male' ? 1 : r.sex === 'female' ? 2 : r.sex === 'other' ? 3 : 0;

    let birthKind = BirthKind.None;
    let birthLo = 0;
    let birthHi = 0;
    let dob = 0;
    const d = parseDate(r.dateOfBirth);
    if (d) {
      dob = d.y * 10000 + d.m * 100 + d.d;
      if (d.m > 0 && d.d > 0 && !(this.options.janFirstIsYearOnly && d.m === 1 && d.d === 1)) {
        birthKind = BirthKind.Full;
        birthLo = birthHi = d.y * 12 + d.m - 1;
      } else if (d.m > 0 && !(this.options.janFirstIsYearOnly && d.m === 1 && d.d === 1)) {
        birthKind = BirthKind.YearMonth;
        birthLo = birthHi = d.y * 12 + d.m - 1;
      } else {
        birthKind = BirthKind.Year;
        birthLo = d.y * 12;
        birthHi = d.y * 12 + 11;
      }
    } else if (typeof r.estimatedAgeYears === 'number' && Number.isFinite(r.estimatedAgeYears) && r.estimatedAgeYears >= 0) {
      const ref = parseDate(r.ageRecordedOn) ?? parseDate(r.dateOfSeparation);
      if (ref) {
        const refM = ref.y * 12 + Math.max(1, ref.m) - 1;
        const a = Math.floor(r.estimatedAgeYears);
        birthKind = BirthKind.Estimated;
        birthLo = refM - 12 * (a + 1) + 1;
        birthHi = refM - 12 * a;
      }
    }

    const sd = parseDate(r.dateOfSeparation);
    const sepDate = sd ? dayNumber(sd.y, sd.m || 7, sd.d || (sd.m ? 15 : 1)) : NO_DATE;

    let mother = this.prepareName(r.mother);
    let father = this.prepareName(r.father);
    let motherFromInquirer = false;
    let fatherFromInquirer = false;
    if (r.inquirer?.name && r.inquirer.relation) {
      const rel = r.inquirer.relation.trim();
      if (!mother && MOTHER_WORDS.test(rel)) {
        mother = this.prepareName(r.inquirer.name);
        motherFromInquirer = mother !== null;
      } else if (!father && FATHER_WORDS.test(rel)) {
        father = this.prepareName(r.inquirer.name);
        fatherFromInquirer = father !== null;
      }
    }
    const siblings: PName[] = [];
    for (const s of r.siblings ?? []) {
      const p = this.prepareName(s);
      if (p) siblings.push(p);
    }
    const languages = [...new Set((r.languages ?? []).map((l) => {
      const k = l.trim().toLowerCase();
      return LANG[k] ?? k.slice(0, 3);
    }).filter(Boolean))].map((l) => pool.intern('lang:' + l));

    const name = this.prepareName(r.name) ?? { all: [], nGiven: 0, nMiddle: 0, nick: [], orig: [], raw: -1, origRaw: -1 };
    return {
      text: this.text,
      side,
      consent: r.consentForTracing === true,
      agency: pool.intern('agency:' + r.agencyId),
      group: r.groupId ? hash32(r.groupId) : 0,
      sex,
      birthKind,
      birthLo,
      birthHi,
      dob,
      dobRaw: r.dateOfBirth ? this.text.add(r.dateOfBirth) : -1,
      age100: typeof r.estimatedAgeYears === 'number' && Number.isFinite(r.estimatedAgeYears) ? Math.round(r.estimatedAgeYears * 100) : -1,
      ageOn: r.ageRecordedOn ? this.text.add(r.ageRecordedOn) : -1,
      sepDate,
      sepDateRaw: r.dateOfSeparation ? this.text.add(r.dateOfSeparation) : -1,
      nationality: r.nationality ? pool.intern('nat:' + r.nationality.trim().toUpperCase()) : -1,
      languages,
      origin: this.preparePlace(r.placeOfOrigin),
      separation: this.preparePlace(r.placeOfSeparation),
      name,
      mother,
      father,
      motherFromInquirer,
      fatherFromInquirer,
      siblings,
    };
  }
}

// ------------------------------------------------------------ heap codec ---

function encName(n: PName, out: IntVec): void {
  out.push(n.raw);
  out.push(n.origRaw);
  out.push(n.all.length | (n.nGiven << 8) | (n.nMiddle << 16));
  out.push(n.nick.length);
  out.push(n.orig.length);
  for (const a of [n.all, n.nick, n.orig]) for (const v of a) out.push(v);
}

function encPlace(p: PPlace, out: IntVec): void {
  out.push(p.pcode);
  out.push(p.country);
  out.push(p.raw);
  out.push(p.text.length);
  for (const v of p.text) out.push(v);
}

/**
 * A record's sex and birth range packed in one word for the candidate cut (engine.ts `gather`),
 * which looks at every record a query's keys touch — tens of thousands at 1M records: a dense array
 * of these words stays in cache where reads into the record heap miss. Bits: sex 0–2, has a birth
 * estimate 3, spilled 4, first birth month since 1800 5–17, the range's width in months 18–29; a
 * range that does not fit (a wild date) is marked spilled and read from the heap instead.
 */
export const CUT_SEX = 7;
export const CUT_HAS_BIRTH = 8;
export const CUT_SPILLED = 16;
export const CUT_BIRTH_BASE = 1800 * 12;
/** where `encode` puts a record's first and last birth month, after its offset */
export const HEAP_BIRTH_LO = 3;
export const HEAP_BIRTH_HI = 4;
/** `encode`'s fixed fields (flags … nationality) before the languages; flags saying which optional parts follow */
const HEAP_FIXED = 12;
const HAS_ORIGIN = 1 << 10, HAS_SEPARATION = 1 << 11, HAS_MOTHER = 1 << 12, HAS_FATHER = 1 << 13;
export function cutFacts(sex: number, birthKind: BirthKind, birthLo: number, birthHi: number): number {
  let w = sex & CUT_SEX;
  if (birthKind === BirthKind.None) return w;
  w |= CUT_HAS_BIRTH;
  const from = birthLo - CUT_BIRTH_BASE, width = birthHi - birthLo;
  if (from < 0 || from > 8191 || width < 0 || width > 4095) return w | CUT_SPILLED;
  return w | (from << 5) | (width << 18);
}

/** What the candidate cut keeps of a record (engine.ts `fillSlot`), as `slotSourceAt` reads it. */
export interface SlotSource {
  sex: number;
  birthKind: BirthKind;
  birthLo: number;
  birthHi: number;
  /** first token of the mother's / father's name (-1 none) */
  motherFirst: number;
  fatherFirst: number;
  /** recorded P-code of origin (pool id, -1 none) */
  originPcode: number;
}

const firstOr = (n: PName | null) => (n ? firstToken(n) ?? -1 : -1);
/** `SlotSource` of a prepared record */
export function slotSource(p: Prepared, out: SlotSource): SlotSource {
  out.sex = p.sex;
  out.birthKind = p.birthKind;
  out.birthLo = p.birthLo;
  out.birthHi = p.birthHi;
  out.motherFirst = firstOr(p.mother);
  out.fatherFirst = firstOr(p.father);
  out.originPcode = p.origin ? p.origin.pcode : -1;
  return out;
}

/**
 * `SlotSource` of the record `encode` wrote at `off`, read straight from the heap: restoring a
 * snapshot rebuilds the cut's slots of every record, and a full `decode` (arrays and objects per
 * name) doubled the restore time.
 */
export function slotSourceAt(h: Int32Array, off: number, out: SlotSource): SlotSource {
  const flags = h[off];
  out.sex = (flags >> 2) & 7;
  out.birthKind = ((flags >> 5) & 7) as BirthKind;
  out.birthLo = h[off + HEAP_BIRTH_LO];
  out.birthHi = h[off + HEAP_BIRTH_HI];
  let i = off + HEAP_FIXED;
  i += 1 + h[i]; // languages
  out.originPcode = -1;
  if (flags & HAS_ORIGIN) { out.originPcode = h[i]; i += 4 + h[i + 3]; } // place: pcode, country, raw, text
  if (flags & HAS_SEPARATION) i += 4 + h[i + 3];
  const skipName = (at: number) => { const sizes = h[at + 2]; return at + 5 + (sizes & 255) + h[at + 3] + h[at + 4]; };
  // a name's first token: its first Latin token, else its first original-script one (`firstToken`)
  const first = (at: number) => { const nAll = h[at + 2] & 255; return nAll > 0 ? h[at + 5] : h[at + 4] > 0 ? h[at + 5 + h[at + 3]] : -1; };
  i = skipName(i); // the record's own name
  out.motherFirst = -1;
  out.fatherFirst = -1;
  if (flags & HAS_MOTHER) { out.motherFirst = first(i); i = skipName(i); }
  if (flags & HAS_FATHER) out.fatherFirst = first(i);
  return out;
}

/** Append the record to the heap; returns its offset. */
export function encode(p: Prepared, out: IntVec): number {
  const off = out.length;
  const flags =
    p.side | ((p.consent ? 1 : 0) << 1) | (p.sex << 2) | (p.birthKind << 5) |
    ((p.motherFromInquirer ? 1 : 0) << 8) | ((p.fatherFromInquirer ? 1 : 0) << 9) |
    (p.origin ? HAS_ORIGIN : 0) | (p.separation ? HAS_SEPARATION : 0) | (p.mother ? HAS_MOTHER : 0) | (p.father ? HAS_FATHER : 0);
  out.push(flags);
  out.push(p.agency);
  out.push(p.group);
  out.push(p.birthLo);
  out.push(p.birthHi);
  out.push(p.dob);
  out.push(p.dobRaw);
  out.push(p.age100);
  out.push(p.ageOn);
  out.push(p.sepDate);
  out.push(p.sepDateRaw);
  out.push(p.nationality);
  out.push(p.languages.length);
  for (const l of p.languages) out.push(l);
  if (p.origin) encPlace(p.origin, out);
  if (p.separation) encPlace(p.separation, out);
  encName(p.name, out);
  if (p.mother) encName(p.mother, out);
  if (p.father) encName(p.father, out);
  out.push(p.siblings.length);
  for (const s of p.siblings) encName(s, out);
  return off;
}

const EMPTY: readonly number[] = Object.freeze([]);
const EMPTY_NAMES: readonly PName[] = Object.freeze([]);

/**
 * A stored record as an object of its own (kept past the next read: a query, a contender that
 * competes, a record being removed). `RecordDecoder` is the one reader of the layout `encode`
 * writes; this copies what it read.
 */
export function decode(heap: Int32Array, off: number, text: TextHeap): Prepared {
  return keep(scratchDecoder().read(heap, off, text));
}

let scratch: RecordDecoder | null = null;
const scratchDecoder = () => scratch ?? (scratch = new RecordDecoder());
const keepArr = (a: number[]): number[] => (a.length === 0 ? (EMPTY as number[]) : a.slice());
const keepName = (n: PName): PName => ({ raw: n.raw, origRaw: n.origRaw, all: keepArr(n.all), nGiven: n.nGiven, nMiddle: n.nMiddle, nick: keepArr(n.nick), orig: keepArr(n.orig) });
const keepPlace = (p: PPlace | null): PPlace | null => p && { pcode: p.pcode, country: p.country, raw: p.raw, text: keepArr(p.text) };
function keep(r: Prepared): Prepared {
  return {
    text: r.text, side: r.side, consent: r.consent, sex: r.sex, birthKind: r.birthKind,
    motherFromInquirer: r.motherFromInquirer, fatherFromInquirer: r.fatherFromInquirer,
    agency: r.agency, group: r.group, birthLo: r.birthLo, birthHi: r.birthHi, dob: r.dob, dobRaw: r.dobRaw, age100: r.age100,
    ageOn: r.ageOn, sepDate: r.sepDate, sepDateRaw: r.sepDateRaw, nationality: r.nationality, languages: keepArr(r.languages),
    origin: keepPlace(r.origin), separation: keepPlace(r.separation), name: keepName(r.name),
    mother: r.mother && keepName(r.mother), father: r.father && keepName(r.father),
    siblings: r.siblings.length === 0 ? (EMPTY_NAMES as PName[]) : r.siblings.map(keepName),
  };
}

/** an array of exactly `n` numbers from `byLen` (one reused array per length: setting an array's length is a runtime call) */
function ofLength(byLen: number[][], n: number): number[] {
  while (byLen.length <= n) {
    const a: number[] = [];
    for (let k = byLen.length; k > 0; k--) a.push(0);
    byLen.push(a);
  }
  return byLen[n];
}

/** one reused name of `RecordDecoder` and its arrays */
class NameSlot {
  readonly name: PName = { raw: -1, origRaw: -1, all: [], nGiven: 0, nMiddle: 0, nick: [], orig: [] };
  readonly all: number[][] = [];
  readonly nick: number[][] = [];
  readonly orig: number[][] = [];
}

/**
 * `decode` into one reused record: scoring a query decodes every candidate (≈ 1,200 per match
 * plus the rivals' ≈ 400), each only to compare it once; fresh objects and arrays per candidate
 * were a tenth of the match time in the garbage collector. The record (its names, places and
 * arrays) is overwritten by the next `read`: keep it no longer than one comparison, and
 * `decode` what must outlive that.
 */
export class RecordDecoder {
  private readonly rec: Prepared;
  private readonly names = [new NameSlot(), new NameSlot(), new NameSlot()];
  private readonly sibSlots: NameSlot[] = [];
  /** siblings arrays by count, over `sibSlots`' names */
  private readonly sibsByLen: PName[][] = [[]];
  private readonly places: [PPlace, PPlace] = [{ pcode: -1, country: -1, raw: -1, text: [] }, { pcode: -1, country: -1, raw: -1, text: [] }];
  private readonly placeText: [number[][], number[][]] = [[], []];
  private readonly languages: number[][] = [];
  private h: Int32Array = new Int32Array(0);
  private i = 0;

  constructor() {
    // the same shape as `decode`'s records (one hidden class for the comparers), own arrays
    this.rec = {
      text: new TextHeap(), side: 0, consent: false, sex: 0, birthKind: BirthKind.None, motherFromInquirer: false, fatherFromInquirer: false,
      agency: -1, group: 0, birthLo: 0, birthHi: 0, dob: 0, dobRaw: -1, age100: -1, ageOn: -1, sepDate: -1, sepDateRaw: -1, nationality: -1,
      languages: [], origin: null, separation: null, name: this.names[0].name, mother: null, father: null, siblings: [],
    };
  }

  private arr(byLen: number[][]): number[] {
    const h = this.h;
    const a = ofLength(byLen, h[this.i++]);
    for (let k = 0; k < a.length; k++) a[k] = h[this.i++];
    return a;
  }

  private name(slot: NameSlot): PName {
    const h = this.h;
    let i = this.i;
    const n = slot.name;
    n.raw = h[i++];
    n.origRaw = h[i++];
    const sizes = h[i++], nn = h[i++], no = h[i++];
    n.nGiven = (sizes >> 8) & 255;
    n.nMiddle = (sizes >> 16) & 255;
    const all = (n.all = ofLength(slot.all, sizes & 255));
    for (let k = 0; k < all.length; k++) all[k] = h[i++];
    const nick = (n.nick = ofLength(slot.nick, nn));
    for (let k = 0; k < nick.length; k++) nick[k] = h[i++];
    const orig = (n.orig = ofLength(slot.orig, no));
    for (let k = 0; k < orig.length; k++) orig[k] = h[i++];
    this.i = i;
    return n;
  }

  private place(k: 0 | 1): PPlace {
    const h = this.h;
    const p = this.places[k];
    p.pcode = h[this.i++];
    p.country = h[this.i++];
    p.raw = h[this.i++];
    p.text = this.arr(this.placeText[k]);
    return p;
  }

  /** the record `encode` wrote at `off`, as `decode` reads it, into the reused record */
  read(heap: Int32Array, off: number, text: TextHeap): Prepared {
    this.h = heap;
    this.i = off;
    const r = this.rec;
    const flags = heap[this.i++];
    r.text = text;
    r.side = (flags & 1) as 0 | 1;
    r.consent = (flags & 2) !== 0;
    r.sex = (flags >> 2) & 7;
    r.birthKind = ((flags >> 5) & 7) as BirthKind;
    r.motherFromInquirer = (flags & (1 << 8)) !== 0;
    r.fatherFromInquirer = (flags & (1 << 9)) !== 0;
    r.agency = heap[this.i++];
    r.group = heap[this.i++];
    r.birthLo = heap[this.i++];
    r.birthHi = heap[this.i++];
    r.dob = heap[this.i++];
    r.dobRaw = heap[this.i++];
    r.age100 = heap[this.i++];
    r.ageOn = heap[this.i++];
    r.sepDate = heap[this.i++];
    r.sepDateRaw = heap[this.i++];
    r.nationality = heap[this.i++];
    r.languages = this.arr(this.languages);
    r.origin = flags & HAS_ORIGIN ? this.place(0) : null;
    r.separation = flags & HAS_SEPARATION ? this.place(1) : null;
    r.name = this.name(this.names[0]);
    r.mother = flags & HAS_MOTHER ? this.name(this.names[1]) : null;
    r.father = flags & HAS_FATHER ? this.name(this.names[2]) : null;
    const ns = heap[this.i++];
    while (this.sibsByLen.length <= ns) {
      this.sibSlots.push(new NameSlot());
      this.sibsByLen.push(this.sibSlots.map((x) => x.name));
    }
    r.siblings = this.sibsByLen[ns];
    for (let k = 0; k < ns; k++) this.name(this.sibSlots[k]);
    return r;
  }
}

/** All tokens of a name in the order first-given, middle, family (the Latin rendering). */
export function nameTokens(n: PName): number[] {
  return n.all;
}

/** first token of a name: Latin rendering, else original script */
export function firstToken(n: PName): number | undefined {
  return n.all.length > 0 ? n.all[0] : n.orig[0];
}

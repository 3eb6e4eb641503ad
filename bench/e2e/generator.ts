/**
 * Seeded stream of realistic agency events for the end-to-end benchmark: registrations of
 * children, tracing requests from parents (some seeking two children), updates and closures,
 * from several agencies, with names from several cultures spelled the way each agency writes them.
 *
 * About a third of the tracing requests seek a child registered earlier in the stream, and about
 * a third of the registrations are of a child sought earlier, each time with other spellings,
 * an estimated age instead of a date of birth, partial dates and other place names: true pairs
 * the matching service should propose. The rest are unrelated people who share common names.
 *
 * Records are kept as small references (seeds), so a backlog of a million records per side fits
 * in the benchmark's memory; an update or a closure re-renders its record from the seeds.
 */
import { randomUUID } from 'node:crypto';
import { Culture, CULTURES, Place } from './names';

export const BENCH_AGENCIES = ['unhcr', 'icrc', 'savethechildren', 'unicef', 'irc'] as const;
export type BenchAgency = (typeof BENCH_AGENCIES)[number];

const RECORD_PREFIX: Record<BenchAgency, string> = { unhcr: 'UNHCR', icrc: 'ICRC', savethechildren: 'STC', unicef: 'UNICEF', irc: 'IRC' };
const CHILD_AGENCIES: Array<[BenchAgency, number]> = [['unhcr', 0.35], ['unicef', 0.25], ['savethechildren', 0.25], ['irc', 0.1], ['icrc', 0.05]];
const REQUEST_AGENCIES: Array<[BenchAgency, number]> = [['icrc', 0.5], ['irc', 0.2], ['unhcr', 0.15], ['savethechildren', 0.1], ['unicef', 0.05]];

export type AgencyEventType =
  | 'child.registered' | 'child.updated' | 'child.closed'
  | 'tracing-request.filed' | 'tracing-request.updated' | 'tracing-request.closed';

/** Share of each event type in the mixed stream (the backlog loader only registers and files). */
export const DEFAULT_MIX: Record<AgencyEventType, number> = {
  'child.registered': 0.4,
  'tracing-request.filed': 0.3,
  'child.updated': 0.12,
  'tracing-request.updated': 0.08,
  'child.closed': 0.06,
  'tracing-request.closed': 0.04,
};

/** Probability that a new record is the counterpart of a person already on the other side. */
const COUNTERPART_RATE = 0.35;
const SIBLING_RATE = 0.1;
const POOL_CAP = 200_000;

export interface GeneratedEvent {
  eventId: string;
  type: AgencyEventType;
  agencyId: BenchAgency;
  /** the agency's record id: the Kafka key */
  key: string;
  /** the JSON the agency publishes */
  value: string;
  /** true if this record is the counterpart of a person already on the other side */
  counterpart: boolean;
  /**
   * Ground truth: the people the record describes (a child: itself; a request: its sought children,
   * in order, `c1`, `c2`…). A registered child and a sought child with the same person are a true pair.
   */
  people: number[];
}

/** mulberry32: small, fast, seeded. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  weighted<T>(xs: ReadonlyArray<readonly [T, number]>): T {
    const total = xs.reduce((a, [, w]) => a + w, 0);
    let r = this.next() * total;
    for (const [x, w] of xs) if ((r -= w) < 0) return x;
    return xs[xs.length - 1][0];
  }
}

interface Latent {
  culture: Culture;
  sex: 'male' | 'female';
  given: string[];
  family: string[];
  fatherGiven: string[];
  motherGiven: string[];
  motherFamily: string[];
  dob: { y: number; m: number; d: number };
  origin: Place;
  separation: Place;
  separationDate: { y: number; m: number; d: number };
  cause: string;
}

const CAUSES = ['conflict', 'conflict', 'population_movement', 'lost_in_transit', 'natural_disaster', 'migration', 'unknown'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const iso = (x: { y: number; m: number; d: number }) => `${x.y}-${pad(x.m)}-${pad(x.d)}`;

function latentOf(seed: number, siblingOf?: number): Latent {
  const r = new Rng(seed);
  const base = siblingOf === undefined ? undefined : latentOf(siblingOf);
  const culture = base?.culture ?? r.weighted(CULTURES.map((c) => [c, c.weight] as const));
  const sex = r.chance(0.52) ? 'male' : 'female';
  const given = r.pick(sex === 'male' ? culture.male : culture.female);
  const y = 2009 + r.int(16);
  return {
    culture,
    sex,
    given: base && given === base.given ? r.pick(sex === 'male' ? culture.male : culture.female) : given,
    family: base?.family ?? r.pick(culture.family),
    fatherGiven: base?.fatherGiven ?? r.pick(culture.male),
    motherGiven: base?.motherGiven ?? r.pick(culture.female),
    motherFamily: base?.motherFamily ?? r.pick(culture.family),
    dob: { y, m: 1 + r.int(12), d: 1 + r.int(28) },
    origin: base?.origin ?? r.pick(culture.origins),
    separation: base?.separation ?? r.pick(culture.separations),
    separationDate: base?.separationDate ?? { y: 2025 + r.int(2), m: 1 + r.int(12), d: 1 + r.int(28) },
    cause: base?.cause ?? r.pick(CAUSES),
  };
}

/** One spelling of a name: the usual one most often, another one otherwise. */
function spell(r: Rng, variants: string[], usual = 0.55): string {
  return variants.length === 1 || r.chance(usual) ? variants[0] : variants[1 + r.int(variants.length - 1)];
}

function ageAt(dob: { y: number; m: number; d: number }, on: { y: number; m: number; d: number }): number {
  return on.y - dob.y - (on.m < dob.m || (on.m === dob.m && on.d < dob.d) ? 1 : 0);
}

const TODAY = { y: 2026, m: 10, d: 2 };

function childData(l: Latent, renderSeed: number, rev: number) {
  const r = new Rng(renderSeed);
  const c = l.culture;
  const givenCanonical = l.given[0];
  const original = c.original?.[givenCanonical];
  const dobForm = r.next();
  const name: Record<string, string> = { given: spell(r, l.given), family: spell(r, l.family) };
  if (c.id === 'somali' || c.id === 'arabic' || c.id === 'afghan' || c.id === 'tigrinya') {
    if (r.chance(0.5)) name.middle = spell(r, l.fatherGiven);
  }
  if (original && r.chance(0.3)) name.original = original;
  const data: Record<string, unknown> = {
    name,
    sex: l.sex,
    ...(dobForm < 0.6 ? { dateOfBirth: iso(l.dob) } : dobForm < 0.8 ? { dateOfBirth: String(l.dob.y) } : {}),
    ...(dobForm >= 0.8 ? { estimatedAge: { years: Math.max(0, ageAt(l.dob, TODAY) + r.int(3) - 1), asOf: iso(TODAY) } } : {}),
    placeOfOrigin: { text: spell(r, l.origin.names), ...(r.chance(0.7) ? { pcode: l.origin.pcode } : {}), country: l.origin.country },
    separation: {
      date: iso(l.separationDate),
      place: { text: spell(r, l.separation.names), country: l.separation.country },
      cause: l.cause,
    },
    languages: l.culture.languages.slice(0, 1 + r.int(l.culture.languages.length)),
    nationality: c.nationality,
    family: {
      mother: { name: { given: spell(r, l.motherGiven), family: spell(r, l.motherFamily) } },
      ...(r.chance(0.7) ? { father: { name: { given: spell(r, l.fatherGiven), family: spell(r, l.family) } } } : {}),
    },
    status: r.chance(0.7) ? 'unaccompanied' : 'separated',
    registeredOn: iso(TODAY),
    currentLocation: { text: `${spell(r, l.separation.names)}, block ${String.fromCharCode(65 + r.int(8))}${rev > 1 ? ` (moved ${rev - 1}×)` : ''}`, country: l.separation.country },
    careArrangement: { type: r.pick(['foster', 'kinship', 'residential', 'kafala', 'child_headed_household']) },
    consent: { tracing: r.chance(0.95), sharing: true },
  };
  if (rev > 1 && rev % 2 === 0) {
    // an update that matching sees: a nickname noted, another language recorded
    (data.name as Record<string, unknown>).nicknames = [spell(r, l.given, 0.2).slice(0, 4)];
    data.languages = [...new Set([...(data.languages as string[]), 'en'])];
  }
  return data;
}

function soughtChild(l: Latent, r: Rng, ref: string) {
  const c = l.culture;
  const name: Record<string, string> = { given: spell(r, l.given, 0.35), family: spell(r, l.family, 0.35) };
  const original = c.original?.[l.given[0]];
  if (original && r.chance(0.25)) name.original = original;
  const byAge = r.chance(0.6);
  return {
    ref,
    name,
    sex: l.sex,
    ...(byAge ? { estimatedAge: { years: Math.max(0, ageAt(l.dob, TODAY) + r.int(3) - 1), asOf: iso(TODAY) } } : { dateOfBirth: r.chance(0.5) ? iso(l.dob) : String(l.dob.y) }),
    placeOfOrigin: { text: spell(r, l.origin.names, 0.4), country: l.origin.country },
    separation: { date: `${l.separationDate.y}-${pad(l.separationDate.m)}`, cause: l.cause },
    family: {
      mother: { name: { given: spell(r, l.motherGiven, 0.4), family: spell(r, l.motherFamily, 0.4) } },
      father: { name: { given: spell(r, l.fatherGiven, 0.4), family: spell(r, l.family, 0.4) } },
    },
    languages: c.languages.slice(0, 1),
  };
}

function requestData(latents: Latent[], renderSeed: number, rev: number) {
  const r = new Rng(renderSeed);
  const l = latents[0];
  const byMother = r.chance(0.65);
  const data: Record<string, unknown> = {
    inquiryDate: iso(TODAY),
    inquirer: {
      name: byMother
        ? { given: spell(r, l.motherGiven, 0.4), family: spell(r, l.motherFamily, 0.4) }
        : { given: spell(r, l.fatherGiven, 0.4), family: spell(r, l.family, 0.4) },
      relation: byMother ? 'mother' : 'father',
      sex: byMother ? 'female' : 'male',
      currentLocation: { text: spell(r, l.separation.names), country: l.separation.country },
    },
    soughtChildren: latents.map((x, i) => soughtChild(x, r, `c${i + 1}`)),
    consent: { tracing: true, sharing: r.chance(0.9) },
  };
  if (rev > 1) {
    const inquirer = data.inquirer as Record<string, unknown>;
    inquirer.currentLocation = { text: `${spell(r, l.separation.names)} (update ${rev - 1})`, country: l.separation.country };
    if (rev % 2 === 0) {
      // an update that matching sees: the parent remembers a date of birth
      const first = (data.soughtChildren as Array<Record<string, unknown>>)[0];
      delete first.estimatedAge;
      first.dateOfBirth = `${l.dob.y}-${pad(l.dob.m)}`;
    }
  }
  return data;
}

interface RecordRef {
  agencyId: BenchAgency;
  id: string;
  latents: number[];
  render: number;
  rev: number;
}

/** Removes and returns a random element (order does not matter: swap with the last). */
function takeRandom<T>(r: Rng, xs: T[]): T | undefined {
  if (xs.length === 0) return undefined;
  const i = r.int(xs.length);
  const x = xs[i];
  xs[i] = xs[xs.length - 1];
  xs.pop();
  return x;
}

function capPush<T>(r: Rng, xs: T[], x: T): void {
  if (xs.length >= POOL_CAP) xs[r.int(xs.length)] = x;
  else xs.push(x);
}

export class EventStream {
  private readonly r: Rng;
  private seq = 0;
  private readonly openChildren: RecordRef[] = [];
  private readonly openRequests: RecordRef[] = [];
  /** people registered as children whom no request seeks yet (latent seeds) */
  private readonly unsoughtChildren: number[] = [];
  /** people sought by a request who are not registered yet */
  private readonly unregisteredSought: number[] = [];
  readonly counts: Record<AgencyEventType, number> = {
    'child.registered': 0, 'child.updated': 0, 'child.closed': 0,
    'tracing-request.filed': 0, 'tracing-request.updated': 0, 'tracing-request.closed': 0,
  };
  counterparts = 0;

  /** `tag` makes record ids unique per stream (several streams share one database). */
  constructor(seed: number, private readonly tag: string, private readonly mix: Record<AgencyEventType, number> = DEFAULT_MIX) {
    this.r = new Rng(seed);
  }

  get openRecords(): { children: number; requests: number } {
    return { children: this.openChildren.length, requests: this.openRequests.length };
  }

  /** Backlog: alternately a registration and a tracing request (no updates or closures). */
  nextBacklog(): GeneratedEvent {
    return this.seq % 2 === 0 ? this.registerChild() : this.fileRequest();
  }

  /** Mixed stream: registrations, requests, updates, closures in DEFAULT_MIX proportions. */
  next(): GeneratedEvent {
    const type = this.r.weighted(Object.entries(this.mix) as Array<[AgencyEventType, number]>);
    switch (type) {
      case 'child.registered': return this.registerChild();
      case 'tracing-request.filed': return this.fileRequest();
      case 'child.updated': return this.update(this.openChildren, 'child') ?? this.registerChild();
      case 'tracing-request.updated': return this.update(this.openRequests, 'request') ?? this.fileRequest();
      case 'child.closed': return this.close(this.openChildren, 'child') ?? this.registerChild();
      case 'tracing-request.closed': return this.close(this.openRequests, 'request') ?? this.fileRequest();
    }
  }

  private newId(agencyId: BenchAgency, kind: 'child' | 'request'): string {
    return `${RECORD_PREFIX[agencyId]}-${kind === 'child' ? 'C' : 'TR'}-${this.tag}-${pad(this.seq, 7)}`;
  }

  private registerChild(): GeneratedEvent {
    const agencyId = this.r.weighted(CHILD_AGENCIES);
    const sought = this.r.chance(COUNTERPART_RATE) ? takeRandom(this.r, this.unregisteredSought) : undefined;
    const latent = sought ?? this.r.int(2 ** 31);
    const ref: RecordRef = { agencyId, id: this.newId(agencyId, 'child'), latents: [latent], render: this.r.int(2 ** 31), rev: 1 };
    capPush(this.r, this.openChildren, ref);
    if (sought === undefined) capPush(this.r, this.unsoughtChildren, latent);
    else this.counterparts++;
    return this.emit('child.registered', ref, childData(latentOf(latent), ref.render, 1), sought !== undefined);
  }

  private fileRequest(): GeneratedEvent {
    const agencyId = this.r.weighted(REQUEST_AGENCIES);
    const registered = this.r.chance(COUNTERPART_RATE) ? takeRandom(this.r, this.unsoughtChildren) : undefined;
    const first = registered ?? this.r.int(2 ** 31);
    const latents = [first];
    // a parent looking for two children: the sibling shares family name, parents and origin
    if (this.r.chance(SIBLING_RATE)) latents.push(this.r.int(2 ** 31) ^ 0x5bd1e995);
    const ref: RecordRef = { agencyId, id: this.newId(agencyId, 'request'), latents, render: this.r.int(2 ** 31), rev: 1 };
    capPush(this.r, this.openRequests, ref);
    if (registered === undefined) capPush(this.r, this.unregisteredSought, first);
    else this.counterparts++;
    return this.emit('tracing-request.filed', ref, requestData(this.latentsOf(ref), ref.render, 1), registered !== undefined);
  }

  private latentsOf(ref: RecordRef): Latent[] {
    return ref.latents.map((s, i) => (i === 0 ? latentOf(s) : latentOf(s, ref.latents[0])));
  }

  private update(pool: RecordRef[], kind: 'child' | 'request'): GeneratedEvent | undefined {
    if (pool.length === 0) return undefined;
    const ref = pool[this.r.int(pool.length)];
    ref.rev++;
    return kind === 'child'
      ? this.emit('child.updated', ref, childData(latentOf(ref.latents[0]), ref.render, ref.rev), false)
      : this.emit('tracing-request.updated', ref, requestData(this.latentsOf(ref), ref.render, ref.rev), false);
  }

  private close(pool: RecordRef[], kind: 'child' | 'request'): GeneratedEvent | undefined {
    const ref = takeRandom(this.r, pool);
    if (!ref) return undefined;
    const reason = kind === 'child'
      ? this.r.weighted([['reunified', 0.5], ['transferred', 0.2], ['duplicate', 0.15], ['aged_out', 0.15]] as const)
      : this.r.weighted([['reunified', 0.4], ['withdrawn', 0.3], ['no_longer_sought', 0.2], ['duplicate', 0.1]] as const);
    return this.emit(kind === 'child' ? 'child.closed' : 'tracing-request.closed', ref, { reason }, false);
  }

  private emit(type: AgencyEventType, ref: RecordRef, data: unknown, counterpart: boolean): GeneratedEvent {
    this.seq++;
    this.counts[type]++;
    const eventId = randomUUID();
    const event = { eventId, schemaVersion: 1, type, occurredAt: new Date().toISOString(), agencyId: ref.agencyId, agencyRecordId: ref.id, data };
    return { eventId, type, agencyId: ref.agencyId, key: ref.id, value: JSON.stringify(event), counterpart, people: [...ref.latents] };
  }
}

/**
 * The seeded input of a scenario and the state it must lead to. Input: agency events from three
 * agencies (registrations, updates, re-sent duplicates, unchanged re-registrations, closures),
 * poison messages, and coordinator commands. Expected state: computed from that input alone.
 *
 * Families: a child registered by one agency and a tracing request for that child filed by
 * another (same names, the request with an estimated age) — each designed to give one proposal.
 * Updates change fields the matcher does not compare (current locations), so they never change
 * which pairs are proposed. Closures only close singletons (records with no counterpart), so no
 * proposal depends on whether a closure or a counterpart arrives first. Names are synthetic and
 * unique per family, so families do not match each other.
 */
import { randomUUID } from 'node:crypto';

export type AgencyId = 'unhcr' | 'icrc' | 'save-the-children';
export const AGENCIES: AgencyId[] = ['unhcr', 'icrc', 'save-the-children'];

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ONSETS = ['b', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'z', 'sh', 'ch', 'th', 'kw', 'dr', 'gl', 'pr'];
const VOWELS = ['a', 'e', 'i', 'o', 'u'];
const PLACES = [
  { text: 'Kismayo, Lower Juba', country: 'SO' }, { text: 'Aleppo', country: 'SY' }, { text: 'Juba', country: 'SS' },
  { text: 'Goma', country: 'CD' }, { text: 'Kandahar', country: 'AF' }, { text: 'Maiduguri', country: 'NG' },
  { text: 'Bangui', country: 'CF' }, { text: 'Mosul', country: 'IQ' }, { text: 'Taiz', country: 'YE' },
];
const LANG: Record<string, string> = { SO: 'so', SY: 'ar', SS: 'en', CD: 'fr', AF: 'ps', NG: 'ha', CF: 'fr', IQ: 'ar', YE: 'ar' };

export interface PlannedRecord {
  kind: 'child' | 'tracing-request';
  agencyId: AgencyId;
  agencyRecordId: string;
  family?: number;
  /** data of each accepted revision-changing version, in order (registration first) */
  versions: object[];
  closed: boolean;
  /** expected registry revision: one per registration/update that changes the data, plus the closure */
  expectedRevision: number;
}

export interface AgencyMessage {
  agencyId: AgencyId;
  key: string | null;
  value: string;
  eventId?: string;
  what: 'registration' | 'update' | 'closure' | 'duplicate' | 'unchanged' | 'poison';
  record?: PlannedRecord;
  poison?: 'malformed_json' | 'unsupported_version' | 'agency_mismatch' | 'schema_invalid';
  /** ms since the epoch when the load first tried to send it */
  offeredAt?: number;
}

export interface Family {
  n: number;
  child: PlannedRecord;
  request: PlannedRecord;
  commanded: boolean;
  /** a refused step (close without a reason) after the last accepted one */
  withRefusal: boolean;
}

export interface LoadPlan {
  tag: string;
  records: PlannedRecord[];
  families: Family[];
  messages: AgencyMessage[];
  poison: AgencyMessage[];
}

export interface LoadSize {
  families: number;
  singletons: number;
  /** share of families whose case is driven through the admin API */
  commandedShare: number;
  /** share of agency events that are poison (fault 8: 0.01) */
  poisonShare: number;
  /** at least this many poison messages when poisonShare > 0 */
  minPoison?: number;
}

function agencyEvent(type: string, agencyId: string, agencyRecordId: string, data: unknown, eventId = randomUUID()) {
  return { eventId, schemaVersion: 1, type, occurredAt: new Date().toISOString(), agencyId, agencyRecordId, data };
}

/** Names already given in this run (names stay unique across scenarios, so their records never match each other). */
const USED_NAMES = new Set<string>();

export class LoadGenerator {
  private readonly rand: () => number;
  private used = USED_NAMES;
  private camp = 1;

  constructor(readonly seed: number, readonly tag: string) {
    this.rand = rng(seed);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rand() * xs.length)];
  }

  /**
   * A synthetic name no other name of the run resembles: its consonant skeleton (what phonetic
   * keys keep) is new too, so names of different families never match each other.
   */
  private word(syllables: number): string {
    for (;;) {
      const parts = Array.from({ length: syllables }, () => this.pick(ONSETS) + this.pick(VOWELS));
      const w = parts.join('');
      const skeleton = parts.map((p) => p.replace(/[aeiou]/g, '')).join('-');
      if (!this.used.has(w) && !this.used.has(`#${skeleton}`)) {
        this.used.add(w);
        this.used.add(`#${skeleton}`);
        return w[0].toUpperCase() + w.slice(1);
      }
    }
  }

  private person() {
    const sex = this.rand() < 0.5 ? 'male' : 'female';
    // dates of birth unique in the run too: the matcher reads two children born the same day in
    // the same place as possible siblings, whatever their names
    let year = 0, month = 0, day = 0;
    do {
      year = 2010 + Math.floor(this.rand() * 12);
      month = 1 + Math.floor(this.rand() * 12);
      day = 1 + Math.floor(this.rand() * 28);
    } while (this.used.has(`dob:${year}-${month}-${day}`));
    this.used.add(`dob:${year}-${month}-${day}`);
    const place = this.pick(PLACES);
    return {
      given: this.word(4), family: this.word(4), sex, dob: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      age: 2026 - year - (month > 10 ? 1 : 0), place, mother: { given: this.word(4), family: this.word(4) }, father: { given: this.word(4), family: this.word(4) },
      separated: `2026-0${1 + Math.floor(this.rand() * 9)}-${String(1 + Math.floor(this.rand() * 28)).padStart(2, '0')}`,
    };
  }

  private childData(p: ReturnType<LoadGenerator['person']>, location: string) {
    return {
      name: { given: p.given, family: p.family }, sex: p.sex, dateOfBirth: p.dob, placeOfOrigin: p.place,
      separation: { date: p.separated, cause: 'conflict' }, languages: [LANG[p.place.country]], nationality: p.place.country,
      family: { mother: { name: p.mother }, father: { name: p.father } },
      status: 'unaccompanied', registeredOn: '2026-10-02', currentLocation: { text: location, country: 'KE' },
      careArrangement: { type: 'foster' }, consent: { tracing: true, sharing: true },
    };
  }

  private requestData(p: ReturnType<LoadGenerator['person']>, location: string) {
    return {
      inquiryDate: '2026-10-20',
      inquirer: { name: p.mother, relation: 'mother', sex: 'female', currentLocation: { text: location, country: 'UG' } },
      soughtChildren: [{
        ref: 'c1', name: { given: p.given, family: p.family }, sex: p.sex, estimatedAge: { years: p.age, asOf: '2026-10-20' },
        placeOfOrigin: p.place, separation: { date: p.separated.slice(0, 7), cause: 'conflict' }, languages: [LANG[p.place.country]],
        family: { mother: { name: p.mother }, father: { name: p.father } },
      }],
      consent: { tracing: true, sharing: true },
    };
  }

  /**
   * Per record: its events in order. Registration; 0–2 updates; sometimes an exact re-send of an
   * event (same event id: a duplicate) or an unchanged re-registration (new id, same data);
   * singletons are sometimes closed.
   */
  private recordEvents(r: PlannedRecord, data: (location: string) => object, closable: boolean): AgencyMessage[] {
    const type = r.kind === 'child' ? 'child' : 'tracing-request';
    const registered = r.kind === 'child' ? 'child.registered' : 'tracing-request.filed';
    const updated = r.kind === 'child' ? 'child.updated' : 'tracing-request.updated';
    const out: AgencyMessage[] = [];
    const first = data(`Camp ${this.camp++}, block 1`);
    r.versions.push(first);
    const reg = agencyEvent(registered, r.agencyId, r.agencyRecordId, first);
    out.push({ agencyId: r.agencyId, key: r.agencyRecordId, value: JSON.stringify(reg), eventId: reg.eventId, what: 'registration', record: r });
    const updates = Math.floor(this.rand() * 3);
    for (let u = 0; u < updates; u++) {
      const d = data(`Camp ${this.camp++}, block ${u + 2}`);
      r.versions.push(d);
      const e = agencyEvent(updated, r.agencyId, r.agencyRecordId, d);
      out.push({ agencyId: r.agencyId, key: r.agencyRecordId, value: JSON.stringify(e), eventId: e.eventId, what: 'update', record: r });
    }
    if (this.rand() < 0.15) {
      const last = out[out.length - 1];
      out.push({ ...last, what: 'duplicate' }); // the agency re-sends the same event
    }
    if (this.rand() < 0.1) {
      const e = agencyEvent(registered, r.agencyId, r.agencyRecordId, r.versions[r.versions.length - 1]);
      out.push({ agencyId: r.agencyId, key: r.agencyRecordId, value: JSON.stringify(e), eventId: e.eventId, what: 'unchanged', record: r });
    }
    if (closable && this.rand() < 0.5) {
      r.closed = true;
      const e = agencyEvent(`${type}.closed`, r.agencyId, r.agencyRecordId, { reason: 'no_longer_sought' });
      out.push({ agencyId: r.agencyId, key: r.agencyRecordId, value: JSON.stringify(e), eventId: e.eventId, what: 'closure', record: r });
    }
    r.expectedRevision = r.versions.length + (r.closed ? 1 : 0);
    return out;
  }

  /** A family (child + tracing request from two different agencies), with its events. */
  family(n: number, commandedShare = 0): { family: Family; events: AgencyMessage[][] } {
    const p = this.person();
    const a = this.pick(AGENCIES);
    const b = this.pick(AGENCIES.filter((x) => x !== a));
    const child: PlannedRecord = { kind: 'child', agencyId: a, agencyRecordId: `${this.tag}-F${n}-C`, family: n, versions: [], closed: false, expectedRevision: 0 };
    const request: PlannedRecord = { kind: 'tracing-request', agencyId: b, agencyRecordId: `${this.tag}-F${n}-R`, family: n, versions: [], closed: false, expectedRevision: 0 };
    const ce = this.recordEvents(child, (loc) => this.childData(p, loc), false);
    const re = this.recordEvents(request, (loc) => this.requestData(p, loc), false);
    const commanded = this.rand() < commandedShare;
    return { family: { n, child, request, commanded, withRefusal: commanded && this.rand() < 0.34 }, events: [ce, re] };
  }

  singleton(n: number): { record: PlannedRecord; events: AgencyMessage[] } {
    const p = this.person();
    const isChild = this.rand() < 0.5;
    const record: PlannedRecord = {
      kind: isChild ? 'child' : 'tracing-request', agencyId: this.pick(AGENCIES), agencyRecordId: `${this.tag}-S${n}`, versions: [], closed: false, expectedRevision: 0,
    };
    const events = this.recordEvents(record, (loc) => (isChild ? this.childData(p, loc) : this.requestData(p, loc)), true);
    return { record, events };
  }

  poison(n: number): AgencyMessage {
    const kinds: Array<NonNullable<AgencyMessage['poison']>> = ['malformed_json', 'unsupported_version', 'agency_mismatch', 'schema_invalid'];
    const kind = kinds[n % kinds.length];
    const agencyId = this.pick(AGENCIES);
    const key = `${this.tag}-P${n}`;
    const p = this.person();
    const good = agencyEvent('child.registered', agencyId, key, this.childData(p, 'x camp'));
    let value: string;
    if (kind === 'malformed_json') value = `{"eventId": "${good.eventId}", "type": "child.registered", "data": {`;
    else if (kind === 'unsupported_version') value = JSON.stringify({ ...good, schemaVersion: 7 });
    else if (kind === 'agency_mismatch') value = JSON.stringify({ ...good, agencyId: AGENCIES.find((x) => x !== agencyId) });
    else value = JSON.stringify({ ...good, data: { ...(good.data as object), sex: 'boy' } });
    return { agencyId, key, value, eventId: good.eventId, what: 'poison', poison: kind };
  }

  /**
   * The whole input of a scenario: per-record order kept, records interleaved at random, poison
   * mixed in at random places.
   */
  plan(size: LoadSize): LoadPlan {
    const records: PlannedRecord[] = [];
    const families: Family[] = [];
    const queues: AgencyMessage[][] = [];
    for (let f = 0; f < size.families; f++) {
      const { family, events } = this.family(f, size.commandedShare);
      families.push(family);
      records.push(family.child, family.request);
      queues.push(...events);
    }
    for (let s = 0; s < size.singletons; s++) {
      const { record, events } = this.singleton(s);
      records.push(record);
      queues.push(events);
    }
    const messages: AgencyMessage[] = [];
    while (queues.some((q) => q.length > 0)) {
      const live = queues.filter((q) => q.length > 0);
      messages.push(this.pick(live).shift()!);
    }
    const poison: AgencyMessage[] = [];
    if (size.poisonShare > 0) {
      const count = Math.max(size.minPoison ?? 1, Math.round((messages.length * size.poisonShare) / (1 - size.poisonShare)));
      for (let i = 0; i < count; i++) {
        const p = this.poison(i);
        poison.push(p);
        messages.splice(Math.floor(this.rand() * (messages.length + 1)), 0, p);
      }
    }
    return { tag: this.tag, records, families, messages, poison };
  }
}

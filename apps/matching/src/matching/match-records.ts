import { createHash } from 'node:crypto';
import type { ChildRegistration, MatchSide, PersonName, RecordRef, TracingRequestFiling } from '@kinlink/contracts';
import type { MatchRecord, PersonName as EngineName } from '@kinlink/matching-engine';

/** A record event's record with the parts matching opens (child `identity`; request `inquirer`, `soughtChildren`). */
export type OpenedChildChange = RecordRef & { record: ChildRegistration };
export type OpenedTracingRequestChange = RecordRef & { request: TracingRequestFiling };

/**
 * Contract records → what the engine compares. Only the fields matching needs are kept
 * (no current location, care arrangement or inquirer contact: they never reach the index).
 */
export function childToMatchRecord(c: OpenedChildChange): MatchRecord {
  const r = c.record;
  return compact({ id: c.id, side: 'child', agencyId: c.agencyId, consentForTracing: r.consent.tracing, ...description(r) });
}

export function soughtId(tracingRequestId: string, ref: string): string {
  return `${tracingRequestId}#${ref}`;
}

export function tracingRequestToMatchRecords(t: OpenedTracingRequestChange): MatchRecord[] {
  const q = t.request;
  return q.soughtChildren.map((s) => compact({
    id: soughtId(t.id, s.ref), side: 'sought', agencyId: t.agencyId, groupId: t.id, consentForTracing: q.consent.tracing,
    ...description(s),
    inquirer: { name: nameOf(q.inquirer.name), relation: q.inquirer.relation },
  }));
}

type ChildDescription = ChildRegistration | TracingRequestFiling['soughtChildren'][number];

/** The fields a registered child and a sought child share, as the engine names them. */
function description(d: ChildDescription): Omit<MatchRecord, 'id' | 'side' | 'agencyId' | 'consentForTracing'> {
  return {
    name: nameOf(d.name), sex: d.sex, dateOfBirth: d.dateOfBirth,
    estimatedAgeYears: d.estimatedAge?.years, ageRecordedOn: d.estimatedAge?.asOf,
    placeOfOrigin: d.placeOfOrigin, placeOfSeparation: d.separation?.place, dateOfSeparation: d.separation?.date,
    languages: d.languages, nationality: d.nationality,
    mother: d.family?.mother && nameOf(d.family.mother.name), father: d.family?.father && nameOf(d.family.father.name),
    siblings: d.family?.siblings?.map((x) => nameOf(x.name)),
  };
}

/** The subject (key owner) of a profile: the child, or the tracing request of a sought child. */
export function subjectIdOf(record: Pick<MatchRecord, 'id' | 'side'>): string {
  return record.side === 'child' ? record.id : record.id.split('#')[0];
}

/** Side of a proposal as the contract names it. */
export function matchSideOf(record: Pick<MatchRecord, 'id' | 'side' | 'agencyId'>, safeguardingLevel?: MatchSide['safeguardingLevel'] | null): MatchSide {
  if (record.side === 'child') return { type: 'child', id: record.id, agencyId: record.agencyId, ...(safeguardingLevel ? { safeguardingLevel } : {}) };
  const [id, ref] = record.id.split('#');
  return { type: 'sought-child', id, ref, agencyId: record.agencyId };
}

/** Content hash of a profile: changes exactly when what the engine compares changes. */
export function profileFingerprint(record: MatchRecord): string {
  return createHash('sha256').update(canonical(record)).digest('hex');
}

export function pairFingerprint(a: string, b: string): string {
  return createHash('sha256').update(a < b ? a + b : b + a).digest('hex').slice(0, 32);
}

function nameOf(n: PersonName): EngineName {
  return compact({ given: n.given, middle: n.middle, family: n.family, full: n.full, nicknames: n.nicknames, original: n.original });
}

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

import { createHash } from 'node:crypto';
import { AuditLeaf, AuditSubject, hashPayload, SUBJECT_TYPES } from '@kinlink/audit-log';
import type { KinlinkEvent, RecordRead } from '@kinlink/contracts';

/** A leaf before the sequencer gives it its index and time. */
export type LeafDraft = Omit<AuditLeaf, 'seq' | 'recordedAt'>;

/**
 * What the log keeps of an internal event: ids, type, actor, states and reason — and only a hash
 * of the payload (which may hold names and places).
 */
export function leafOfEvent(event: KinlinkEvent): LeafDraft {
  if (event.type === 'record.read') return leafOfRead(event as KinlinkEvent<'record.read'>);
  const p = event.payload as unknown as Record<string, unknown>;
  const subjects = loggable(dedupeSubjects([event.subject, ...(event.related ?? []), ...implicitSubjects(event)]));
  return compact({
    eventId: event.eventId,
    eventType: event.type,
    occurredAt: new Date(event.occurredAt).toISOString(),
    actor: { id: event.actor.id, role: event.actor.role, agencyId: event.actor.agencyId },
    agencyId: event.actor.agencyId,
    subjects,
    fromState: str(p.from),
    toState: str(p.to) ?? str(p.status),
    reasonCode: str(p.reasonCode) ?? str(p.code) ?? str((p.closure as Record<string, unknown> | undefined)?.reason) ?? str(p.reason),
    correlationId: event.correlationId,
    payloadHash: hashPayload(event.payload),
  });
}

/**
 * A read through the admin API: who (actor and agency), why (`reasonCode` = the purpose) and
 * which record (`subjects`). Reads of the audit log itself are `audit-log.read` leaves whose
 * subject is the part of the log read (`{type: 'audit-log', id: 'export'}`), not the subjects the
 * auditor looked at, so they do not clutter the histories they read. The payload hash commits to
 * the exact operation and query, which the admin API keeps.
 */
export function leafOfRead(event: KinlinkEvent<'record.read'>): LeafDraft {
  const p: RecordRead = event.payload;
  const target = p.record;
  const subjects = target ? loggable([{ type: target.type, id: target.id }]) : [];
  return compact({
    eventId: event.eventId,
    eventType: target?.type === 'audit-log' ? 'audit-log.read' : 'record.read',
    occurredAt: new Date(event.occurredAt).toISOString(),
    actor: { id: event.actor.id, role: event.actor.role, agencyId: event.actor.agencyId },
    agencyId: event.actor.agencyId,
    subjects,
    reasonCode: str(p.purpose),
    correlationId: event.correlationId,
    payloadHash: hashPayload(event.payload),
  });
}

export interface DeadLetterMessage {
  partition: number;
  offset: string;
  headers: Record<string, string | undefined>;
  value: Buffer | null;
}

/** A dead letter (e.g. an agency event refused by the contract): its reason and provenance, and the hash of the raw bytes. */
export function leafOfDeadLetter(m: DeadLetterMessage): LeafDraft {
  const h = m.headers;
  const agencyId = h['agency-id'];
  return compact({
    eventId: `dead-letter:${m.partition}:${m.offset}`,
    eventType: h['dlt-original-topic']?.includes('.inbound.') ? 'agency-event.rejected' : 'event.dead-lettered',
    occurredAt: new Date(h['dlt-failed-at'] ?? Date.now()).toISOString(),
    actor: { id: `service:${h['dlt-consumer'] ?? 'unknown'}`, role: 'system', agencyId: 'kinlink' },
    agencyId,
    subjects: [{ type: 'agency-event' as const, id: h['event-id'] ?? `${h['dlt-original-topic']}:${h['dlt-original-partition']}:${h['dlt-original-offset']}` }],
    reasonCode: h['dlt-reason'],
    correlationId: h['correlation-id'],
    payloadHash: createHash('sha256').update(m.value ?? Buffer.alloc(0)).digest('hex'),
  });
}

/** Cases and proposals name their child and tracing request in the payload; index the leaf under them too. */
function implicitSubjects(event: KinlinkEvent): AuditSubject[] {
  const p = event.payload as unknown as Record<string, unknown>;
  const out: AuditSubject[] = [];
  if (typeof p.childId === 'string') out.push({ type: 'child', id: p.childId });
  if (typeof p.tracingRequestId === 'string') out.push({ type: 'tracing-request', id: p.tracingRequestId });
  if (typeof p.caseId === 'string') out.push({ type: 'case', id: p.caseId });
  if (typeof p.proposalId === 'string') out.push({ type: 'proposal', id: p.proposalId });
  return out;
}

const LEAF_SUBJECT_TYPES: ReadonlySet<string> = new Set(SUBJECT_TYPES);

/** Only the subject types a leaf can carry (e.g. not the audit log itself). */
function loggable(subjects: Array<{ type: string; id: string }>): AuditSubject[] {
  return subjects.filter((s): s is AuditSubject => LEAF_SUBJECT_TYPES.has(s.type) && typeof s.id === 'string' && s.id.length > 0);
}

function dedupeSubjects<T extends { type: string; id: string }>(subjects: T[]): T[] {
  const seen = new Set<string>();
  return subjects.filter((s) => {
    const k = `${s.type}:${s.id}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

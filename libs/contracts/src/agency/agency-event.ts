import { z } from 'zod';
import { AGENCY_ID_PATTERN } from '../topics';
import { ChildRegistration, RecordClosure, TracingRequestFiling } from './fields';

/** Versions of the agency contract this build accepts. A breaking change gets a new version. */
export const SUPPORTED_AGENCY_SCHEMA_VERSIONS = [1] as const;
/** Events above this size are rejected before parsing (a registration is a few KiB). */
export const MAX_AGENCY_EVENT_BYTES = 64 * 1024;

export const AGENCY_EVENT_TYPES = [
  'child.registered', 'child.updated', 'child.closed',
  'tracing-request.filed', 'tracing-request.updated', 'tracing-request.closed',
] as const;
export type AgencyEventType = (typeof AGENCY_EVENT_TYPES)[number];

const envelope = {
  eventId: z.uuid(),
  schemaVersion: z.literal(1),
  occurredAt: z.iso.datetime({ offset: true }),
  agencyId: z.string().regex(AGENCY_ID_PATTERN),
  /** the agency's own id for the child or the tracing request (no personal data) */
  agencyRecordId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/),
  correlationId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/).optional(),
};

const eventOf = <T extends AgencyEventType, D extends z.ZodType>(type: T, data: D) =>
  z.strictObject({ ...envelope, type: z.literal(type), data });

export const AgencyEventV1 = z.discriminatedUnion('type', [
  eventOf('child.registered', ChildRegistration),
  eventOf('child.updated', ChildRegistration),
  eventOf('child.closed', RecordClosure),
  eventOf('tracing-request.filed', TracingRequestFiling),
  eventOf('tracing-request.updated', TracingRequestFiling),
  eventOf('tracing-request.closed', RecordClosure),
]);
export type AgencyEvent = z.infer<typeof AgencyEventV1>;
export type AgencyEventOf<T extends AgencyEventType> = Extract<AgencyEvent, { type: T }>;

/** Machine-readable reasons an agency event is refused; sent back to the agency and to the dead-letter topic. */
export const REJECTION_REASONS = [
  'payload_too_large', 'malformed_json', 'schema_invalid', 'unknown_type', 'unsupported_version', 'agency_mismatch',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export interface AgencyEventRejection {
  reason: RejectionReason;
  /** human-readable detail; never echoes field values (they may be personal data) */
  detail: string;
  /** where the validator found problems, e.g. `data.name.given` */
  issues?: Array<{ path: string; message: string }>;
  eventId?: string;
  agencyId?: string;
  type?: string;
}

export type AgencyEventCheck = { ok: true; event: AgencyEvent } | { ok: false; rejection: AgencyEventRejection };

/**
 * Checks one raw message from an agency's inbound topic against the contract.
 * `topicAgencyId` is the agency that owns the topic the message came from.
 */
export function checkAgencyEvent(raw: Buffer | string | null, topicAgencyId: string): AgencyEventCheck {
  const reject = (r: AgencyEventRejection): AgencyEventCheck => ({ ok: false, rejection: r });
  const bytes = raw == null ? 0 : Buffer.byteLength(raw);
  if (bytes > MAX_AGENCY_EVENT_BYTES) {
    return reject({ reason: 'payload_too_large', detail: `event is ${bytes} bytes; the limit is ${MAX_AGENCY_EVENT_BYTES}` });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw == null ? '' : raw.toString());
  } catch {
    return reject({ reason: 'malformed_json', detail: 'the message value is not valid JSON' });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return reject({ reason: 'schema_invalid', detail: 'an event must be a JSON object' });
  }
  const head = parsed as Record<string, unknown>;
  const ids = {
    eventId: typeof head.eventId === 'string' ? head.eventId.slice(0, 64) : undefined,
    agencyId: typeof head.agencyId === 'string' ? head.agencyId.slice(0, 64) : undefined,
    type: typeof head.type === 'string' ? head.type.slice(0, 64) : undefined,
  };
  if (ids.agencyId !== undefined && ids.agencyId !== topicAgencyId) {
    return reject({ ...ids, reason: 'agency_mismatch', detail: `event declares agency "${ids.agencyId}" but was published on the topic of agency "${topicAgencyId}"` });
  }
  if (!AGENCY_EVENT_TYPES.includes(head.type as AgencyEventType)) {
    return reject({ ...ids, reason: 'unknown_type', detail: `unknown event type; expected one of ${AGENCY_EVENT_TYPES.join(', ')}` });
  }
  if (!SUPPORTED_AGENCY_SCHEMA_VERSIONS.includes(head.schemaVersion as 1)) {
    // the sent value is not echoed (the detail goes back to the agency and into logs)
    return reject({ ...ids, reason: 'unsupported_version', detail: `this schemaVersion is not supported; supported: ${SUPPORTED_AGENCY_SCHEMA_VERSIONS.join(', ')}` });
  }
  const result = AgencyEventV1.safeParse(parsed);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message }));
    return reject({ ...ids, reason: 'schema_invalid', detail: `${result.error.issues.length} field(s) do not match the contract`, issues });
  }
  if (result.data.agencyId !== topicAgencyId) {
    return reject({ ...ids, reason: 'agency_mismatch', detail: 'event agency differs from topic agency' });
  }
  return { ok: true, event: result.data };
}

import { createHash, randomUUID } from 'node:crypto';
import type { AgencyEvent } from './agency/agency-event';
import type { RecordClosure } from './agency/fields';
import { INTERNAL_TOPICS, LogicalTopic } from './topics';

export type Role = 'coordinator' | 'supervisor' | 'auditor' | 'agency-admin' | 'system-admin';
/** Who did something: a person through the admin API, an agency through its topic, or a Kinlink service. */
export interface Actor {
  id: string;
  role: Role | 'agency' | 'system';
  agencyId: string;
}

export type SubjectType = 'child' | 'tracing-request' | 'proposal' | 'case' | 'agency-event' | 'audit-log';
export interface Subject {
  type: SubjectType;
  id: string;
}

/** Where a Kafka message came from; carried into dead letters and audit leaves. */
export interface MessageSource {
  topic: string;
  partition: number;
  offset: string;
}

/** Envelope of every event between Kinlink services. Versioned per type; additive changes only within a version. */
export interface KinlinkEvent<T extends InternalEventType = InternalEventType> {
  eventId: string;
  type: T;
  version: 1;
  occurredAt: string;
  /** follows one agency event or coordinator command through every service */
  correlationId: string;
  /** the event that caused this one */
  causationId?: string;
  actor: Actor;
  subject: Subject;
  /** other subjects this event concerns (e.g. a case's child and tracing request) */
  related?: Subject[];
  payload: InternalEventPayloads[T];
}

// ---- payloads -------------------------------------------------------------------------------

export interface RecordRef {
  id: string;
  agencyId: string;
  agencyRecordId: string;
}

/**
 * A personal field sealed under its subject's data key (libs/privacy): AES-256-GCM, random 96-bit
 * IV, 16-byte tag, associated data binding (event id or storage place, field name, key id). Base64.
 */
export interface SealedField {
  v: 1;
  /** data key id (the subject's key in the key vault) */
  k: string;
  iv: string;
  tag: string;
  ct: string;
}

/** A record on the wire and at rest: what identifies nobody in clear, each personal part sealed (libs/privacy `RECORD_PARTS`). */
export interface SealedRecord {
  clear: Record<string, unknown>;
  /** part name → sealed JSON of that part's fields, bound to the event id */
  sealed: Record<string, SealedField>;
}

/** A closure: the reason in clear (audit keeps it), the free-text note sealed. */
export interface SealedClosure {
  reason: RecordClosure['reason'];
  note?: SealedField;
}

export interface ChildRecordChanged extends RecordRef {
  /** increases by one with every accepted change; consumers apply a revision once and in order */
  revision: number;
  /** a ChildRegistration, split and sealed (parts `identity`, `whereabouts`, `protection`) */
  record: SealedRecord;
  /** `consent_changed`: this change gave or withdrew consent (it takes effect from this event on; the audit leaf names it) */
  reasonCode?: 'consent_changed';
}
export interface TracingRequestChanged extends RecordRef {
  revision: number;
  /** a TracingRequestFiling, split and sealed (parts `inquirer`, `soughtChildren`) */
  request: SealedRecord;
  reasonCode?: 'consent_changed';
}
export interface RecordClosed extends RecordRef {
  revision: number;
  closure: SealedClosure;
}

/**
 * Kinlink's id of an agency's record, derived from the agency and its record id, so the gateway can
 * seal an intake event under the subject key the registry and every service will use.
 */
export function recordIdOf(kind: 'child' | 'tracing-request', agencyId: string, agencyRecordId: string): string {
  const h = createHash('sha256').update(`kinlink:record:${kind}:${agencyId}:${agencyRecordId}`).digest();
  h[6] = (h[6] & 0x0f) | 0x80; // version 8 (RFC 9562: custom, name-based)
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export type MatchKind = 'child-sought' | 'duplicate-child' | 'same-sought-child' | 'possible-sibling';
export interface MatchSide {
  type: 'child' | 'sought-child';
  /** child id, or tracing request id for a sought child */
  id: string;
  /** the sought child's ref within its tracing request */
  ref?: string;
  agencyId: string;
  /** a registered child's safeguarding level: `elevated` / `high` hold the proposal for a protection review */
  safeguardingLevel?: 'none' | 'elevated' | 'high';
}
export interface FieldComparison {
  field: string;
  left?: unknown;
  right?: unknown;
  leftNormalised?: string;
  rightNormalised?: string;
  level: string;
  weight: number;
  note?: string;
}
/**
 * The compared values of an explanation, per side of the comparison (`FieldComparison.left` /
 * `right`), each sealed under its own record's subject key, bound to the event id (field
 * `explanation.left` / `explanation.right`): a JSON array with one `{ v, n }` (value, normalised
 * value) per explanation entry.
 */
export interface SealedExplanationValues {
  left?: { subjectId: string; sealed: SealedField };
  right?: { subjectId: string; sealed: SealedField };
}
export interface MatchProposed {
  proposalId: string;
  kind: MatchKind;
  left: MatchSide;
  right: MatchSide;
  probability: number;
  score: number;
  /** per-field levels and weights; the compared values are not here but sealed in `values` */
  explanation: FieldComparison[];
  values?: SealedExplanationValues;
  modelVersion: string;
  /** changes when either record changes materially: a rejected pair is re-proposed only with a new fingerprint */
  fingerprint: string;
}
/**
 * An open proposal's pair scored again because a look-alike arrived or left: the engine's probability
 * is one-to-one (a record is one child; look-alikes share the evidence), so it depends on the rivals
 * stored. Updates probability, score and explanation ONLY: never the proposal's status or decision,
 * and never a new proposal (a rejected pair stays rejected; agencies are not notified).
 */
export interface MatchRescored {
  proposalId: string;
  kind: MatchKind;
  probability: number;
  score: number;
  /** the probability the proposal carried until now (its `match.proposed` or previous `match.rescored`) */
  previousProbability: number;
  /** as in `match.proposed`: levels and weights; the compared values sealed in `values` (bound to this event's id) */
  explanation: FieldComparison[];
  values?: SealedExplanationValues;
  modelVersion: string;
  /** the pair's fingerprint, unchanged (a changed record re-proposes instead) */
  fingerprint: string;
  /** `rival_arrived`: a record that competes for one of the pair arrived or changed; `rival_left`: one closed, was erased or changed away */
  reason: 'rival_arrived' | 'rival_left';
  /** the record whose arrival or departure moved the probability (a child id, or `<tracingRequestId>#<ref>`) */
  causedBy: string;
}
export interface MatchWithdrawn {
  proposalId: string;
  reason: 'record_closed' | 'record_changed' | 'record_erased' | 'consent_withdrawn';
}

export type ProposalDecision =
  | 'confirm' | 'reject' | 'possible_sibling' | 'possible_duplicate' | 'request_information' | 'release_protection_review';
export interface ProposalDecisionRequested {
  commandId: string;
  proposalId: string;
  decision: ProposalDecision;
  reasonCode?: string;
  /** free text: sealed under the child side's key, bound to `command/<commandId>` (opened only by cases) */
  note?: string | SealedField;
  /** a supervisor confirming despite a safeguarding restriction says why (sealed like `note`) */
  overrideReason?: string | SealedField;
}
/** A proposal held for, or released from, a protection review (child at safeguarding risk). */
export interface ProposalProtectionChanged {
  proposalId: string;
  status: 'pending' | 'released';
  level: 'elevated' | 'high';
  childAgencyId: string;
  commandId?: string;
}
export interface CaseTransitionRequested {
  commandId: string;
  caseId: string;
  /** the workflow command, e.g. { type: 'start_verification' } — validated by the cases service; its free text
   * (`note`, `place`, `checklist.notes`) sealed under the child's key, bound to `command/<commandId>` */
  command: { type: string } & Record<string, unknown>;
}
export interface ProposalDecided {
  commandId: string;
  proposalId: string;
  decision: ProposalDecision;
  status: string;
  reasonCode?: string;
  /** free text: sealed under the child side's key, bound to `casework/proposal/<proposalId>` */
  note?: string | SealedField;
  caseId?: string;
  fingerprint?: string;
  /** agencies owning the proposal's records: the decision reaches their outbound topics */
  notifyAgencyIds?: string[];
  /** request_information: the agencies asked for more information */
  informationRequestedFrom?: string[];
}
export interface CaseOpened {
  commandId: string;
  caseId: string;
  proposalId: string;
  childId: string;
  tracingRequestId: string;
  soughtChildRef?: string;
  childAgencyId: string;
  requestAgencyId: string;
  status: string;
  /** agencies owning the child and the tracing request: the opening reaches their outbound topics */
  notifyAgencyIds?: string[];
}
export interface CaseStatusChanged {
  commandId: string;
  caseId: string;
  from: string;
  to: string;
  reasonCode?: string;
  /** free text: sealed under the child's key, bound to `casework/case/<caseId>` */
  note?: string | SealedField;
  /** the recorded checklist, reunification or follow-up details of this step; its `note`, `notes` and `place` sealed like `note` */
  details?: Record<string, unknown>;
  caseVersion: number;
  /** agencies owning the child and the tracing request: the transition reaches their outbound topics */
  notifyAgencyIds?: string[];
}
export interface ProposalSuperseded {
  proposalId: string;
  caseId?: string;
  byCaseId: string;
}
export interface CommandRejected {
  commandId: string;
  code: string;
  rule: string;
  httpStatus: number;
}
/** An agency event as it travels on `intake`: its `data` sealed (field `data`) under the record's subject key. */
export type SealedAgencyEvent = Omit<AgencyEvent, 'data'> & { data: SealedField; subjectId: string };
export interface AgencyEventAccepted {
  event: SealedAgencyEvent;
  source: MessageSource;
}

/** Why a subject's data is erased; a code (it goes into the audit log), the free text stays in `note`. */
export const ERASURE_REASONS = ['subject_request', 'retention', 'legal_obligation', 'consent_withdrawn', 'data_quality', 'other'] as const;
export type ErasureReason = (typeof ERASURE_REASONS)[number];
/** A system admin asked for a child's or tracing request's data to be erased (crypto-shredded). */
export interface SubjectErasureRequested {
  commandId: string;
  subject: { type: 'child' | 'tracing-request'; id: string };
  reasonCode: ErasureReason;
  note?: string;
}
/** The subject's data key is destroyed: consumers drop their decrypted copies and index entries. */
export interface SubjectErased {
  subject: { type: 'child' | 'tracing-request'; id: string };
  agencyId: string;
  agencyRecordId: string;
  reasonCode: ErasureReason;
  /** the admin command that asked for it; absent for a retention rule */
  commandId?: string;
}
export interface AuditAppended {
  seq: number;
  leafHash: string;
  leaf: Record<string, unknown>;
}

/** A signed checkpoint of the audit log (C2SP tlog-checkpoint, Ed25519), for agencies to keep as witnesses. */
export interface AuditCheckpointPublished {
  origin: string;
  treeSize: number;
  /** lowercase hex SHA-256 Merkle root (RFC 9162) */
  rootHash: string;
  /** ISO-8601 UTC, as in the note's `timestamp` line */
  timestamp: string;
  /** the signed note text; verify it with the log's public key before trusting any of the fields above */
  checkpoint: string;
  /** the log's verifier key, `<name>+<key id>+<base64>` (informational: pin the key you got out of band) */
  publicKey: string;
}

/** What a read through the admin API concerned. */
export interface ReadTarget {
  type: 'child' | 'tracing-request' | 'proposal' | 'case' | 'audit-log';
  /** record id; for the audit log, the part read (e.g. `entries`, `proofs/inclusion`, `export`) */
  id: string;
  /** the agency that owns the record, when known */
  agencyId?: string;
}

/** Someone read a record (or the audit log) through the admin API. Carries ids only, never record data. */
export interface RecordRead {
  record: ReadTarget;
  /** why, e.g. `case-management`, `match-review`, `audit` */
  purpose: string;
  /** the API operation, e.g. `GET /children/:id` */
  operation?: string;
  /** query parameters of the read (ids, sizes, filters — no personal data) */
  query?: Record<string, string | number | boolean>;
  /** `full` or `minimal` view of the record */
  access?: string;
}

export interface InternalEventPayloads {
  'agency-event.accepted': AgencyEventAccepted;
  'child.registered': ChildRecordChanged;
  'child.updated': ChildRecordChanged;
  'child.closed': RecordClosed;
  'tracing-request.filed': TracingRequestChanged;
  'tracing-request.updated': TracingRequestChanged;
  'tracing-request.closed': RecordClosed;
  'match.proposed': MatchProposed;
  'match.withdrawn': MatchWithdrawn;
  'match.rescored': MatchRescored;
  'proposal.decision-requested': ProposalDecisionRequested;
  'case.transition-requested': CaseTransitionRequested;
  'proposal.decided': ProposalDecided;
  'proposal.superseded': ProposalSuperseded;
  'proposal.protection-changed': ProposalProtectionChanged;
  'case.opened': CaseOpened;
  'case.status-changed': CaseStatusChanged;
  'command.rejected': CommandRejected;
  'audit.appended': AuditAppended;
  'audit.checkpoint': AuditCheckpointPublished;
  'record.read': RecordRead;
  'subject.erasure-requested': SubjectErasureRequested;
  'subject.erased': SubjectErased;
}
export type InternalEventType = keyof InternalEventPayloads;

/** The one topic each internal event type travels on. */
export const TOPIC_OF: { [T in InternalEventType]: LogicalTopic } = {
  'agency-event.accepted': INTERNAL_TOPICS.intake,
  'child.registered': INTERNAL_TOPICS.records,
  'child.updated': INTERNAL_TOPICS.records,
  'child.closed': INTERNAL_TOPICS.records,
  'tracing-request.filed': INTERNAL_TOPICS.records,
  'tracing-request.updated': INTERNAL_TOPICS.records,
  'tracing-request.closed': INTERNAL_TOPICS.records,
  'match.proposed': INTERNAL_TOPICS.matches,
  'match.withdrawn': INTERNAL_TOPICS.matches,
  'match.rescored': INTERNAL_TOPICS.matches,
  'proposal.decision-requested': INTERNAL_TOPICS.caseCommands,
  'case.transition-requested': INTERNAL_TOPICS.caseCommands,
  'proposal.decided': INTERNAL_TOPICS.cases,
  'proposal.superseded': INTERNAL_TOPICS.cases,
  'proposal.protection-changed': INTERNAL_TOPICS.cases,
  'case.opened': INTERNAL_TOPICS.cases,
  'case.status-changed': INTERNAL_TOPICS.cases,
  'command.rejected': INTERNAL_TOPICS.cases,
  'audit.appended': INTERNAL_TOPICS.audit,
  'audit.checkpoint': INTERNAL_TOPICS.auditCheckpoints,
  'record.read': INTERNAL_TOPICS.accessLog,
  'subject.erasure-requested': INTERNAL_TOPICS.caseCommands,
  'subject.erased': INTERNAL_TOPICS.records,
};

export function newEvent<T extends InternalEventType>(
  type: T,
  init: Omit<KinlinkEvent<T>, 'eventId' | 'type' | 'version' | 'occurredAt'> & { eventId?: string; occurredAt?: string },
): KinlinkEvent<T> {
  return {
    ...init,
    eventId: init.eventId ?? randomUUID(),
    type,
    version: 1,
    occurredAt: init.occurredAt ?? new Date().toISOString(),
  };
}

/** Narrows an event read from a topic to one type. */
export function isEventOf<T extends InternalEventType>(event: KinlinkEvent, type: T): event is KinlinkEvent<T> {
  return event.type === type;
}

export const SYSTEM_AGENCY = 'kinlink';
export const systemActor = (service: string): Actor => ({ id: `service:${service}`, role: 'system', agencyId: SYSTEM_AGENCY });

import { createHash } from 'node:crypto';
import {
  AgencyNotification, CaseOpened, CaseStatusChanged, KinlinkEvent, MatchProposed, NotifiedRecordType, ProposalDecided,
} from '@kinlink/contracts';

/** One record an event is about: the agency that owns it is told, keyed by its own record id. */
export interface NoticeRecord {
  /** Kinlink id of the child or tracing request */
  recordId: string;
  recordType: NotifiedRecordType;
  soughtChildRef?: string;
  /** owner, when the event says (the learned record mapping says it otherwise) */
  agencyId?: string;
}

/** The agency-independent part of a notice: what happened, in ids, statuses and reason codes. */
export type NoticeBody =
  | { type: 'match.proposed'; proposalId: string; probability: number; kind?: string }
  | { type: 'proposal.decided'; proposalId: string; decision: string; status: string; reasonCode?: string; caseId?: string }
  | { type: 'case.opened'; caseId: string; proposalId?: string; status: string }
  | { type: 'case.status-changed'; caseId: string; from: string; to: string; reasonCode?: string; caseVersion?: number; supersededByCaseId?: string };

/** What an internal event means for the agencies: who is told, about which records, what. */
export interface NoticePlan {
  sourceEventId: string;
  occurredAt: string;
  correlationId?: string;
  /** agencies to tell (the event's `notifyAgencyIds`); null = every owner of the records */
  recipients: string[] | null;
  /** agencies asked for more information (request_information) */
  informationRequestedFrom: string[];
  records: NoticeRecord[];
  body: NoticeBody;
}

const NOTIFIED_TYPES = ['match.proposed', 'proposal.decided', 'case.opened', 'case.status-changed'] as const;
export type NotifiedEventType = (typeof NOTIFIED_TYPES)[number];
export function isNotifiedEvent(e: KinlinkEvent): e is KinlinkEvent<NotifiedEventType> {
  return (NOTIFIED_TYPES as readonly string[]).includes(e.type);
}

/**
 * The notice plan of a proposal or case event, or null when agencies are not told about it.
 * Free text (decision and transition notes, places, dates of the case details) never goes in.
 */
export function planNotices(event: KinlinkEvent): NoticePlan | null {
  if (!isNotifiedEvent(event)) return null;
  const base = { sourceEventId: event.eventId, occurredAt: event.occurredAt, correlationId: event.correlationId || undefined };
  switch (event.type) {
    case 'match.proposed': {
      const p = event.payload as MatchProposed;
      const records = [p.left, p.right].map((s): NoticeRecord => (s.type === 'child'
        ? { recordId: s.id, recordType: 'child', agencyId: s.agencyId }
        : compact({ recordId: s.id, recordType: 'tracing-request' as const, soughtChildRef: s.ref, agencyId: s.agencyId })));
      return {
        ...base, recipients: null, informationRequestedFrom: [], records,
        body: compact({ type: 'match.proposed' as const, proposalId: p.proposalId, probability: p.probability, kind: p.kind }),
      };
    }
    case 'proposal.decided': {
      const p = event.payload as ProposalDecided;
      return {
        ...base, recipients: p.notifyAgencyIds ?? null, informationRequestedFrom: p.informationRequestedFrom ?? [],
        records: relatedRecords(event),
        body: compact({
          type: 'proposal.decided' as const, proposalId: p.proposalId, decision: String(p.decision), status: p.status,
          reasonCode: p.reasonCode, caseId: p.caseId,
        }),
      };
    }
    case 'case.opened': {
      const p = event.payload as CaseOpened;
      return {
        ...base, recipients: p.notifyAgencyIds ?? null, informationRequestedFrom: [],
        records: [
          { recordId: p.childId, recordType: 'child', agencyId: p.childAgencyId },
          compact({ recordId: p.tracingRequestId, recordType: 'tracing-request' as const, soughtChildRef: p.soughtChildRef, agencyId: p.requestAgencyId }),
        ],
        body: compact({ type: 'case.opened' as const, caseId: p.caseId, proposalId: p.proposalId || undefined, status: p.status }),
      };
    }
    case 'case.status-changed': {
      const p = event.payload as CaseStatusChanged;
      const by = p.details && p.details.kind === 'supersede' && typeof p.details.supersededByCaseId === 'string' ? p.details.supersededByCaseId : undefined;
      return {
        ...base, recipients: p.notifyAgencyIds ?? null, informationRequestedFrom: [],
        records: relatedRecords(event),
        body: compact({
          type: 'case.status-changed' as const, caseId: p.caseId, from: p.from, to: p.to, reasonCode: p.reasonCode,
          caseVersion: p.caseVersion, supersededByCaseId: by,
        }),
      };
    }
  }
  return null;
}

/** The child and tracing request an event names (its `related` subjects), once each. */
function relatedRecords(event: KinlinkEvent): NoticeRecord[] {
  const out = new Map<string, NoticeRecord>();
  for (const s of event.related ?? []) {
    if (s.type === 'child' || s.type === 'tracing-request') out.set(s.id, { recordId: s.id, recordType: s.type });
  }
  return [...out.values()];
}

/** The owner of a record, as learned from the `records` topic. */
export interface RecordOwner {
  agencyId: string;
  agencyRecordId: string;
  recordType: NotifiedRecordType;
}

/** A notice ready for the outbound topic. */
export interface OutboundNotice {
  agencyId: string;
  key: string;
  notification: AgencyNotification;
}

/**
 * The notice one agency gets about one of its records, or null when the plan does not tell that
 * agency. The id is derived from (event, agency, record), so a replay produces the same notice.
 */
export function noticeFor(plan: NoticePlan, record: NoticeRecord, owner: RecordOwner): OutboundNotice | null {
  if (plan.recipients && !plan.recipients.includes(owner.agencyId)) return null;
  const about = compact({ agencyRecordId: owner.agencyRecordId, recordType: owner.recordType ?? record.recordType, soughtChildRef: record.soughtChildRef });
  const extra = plan.body.type === 'proposal.decided' && plan.informationRequestedFrom.includes(owner.agencyId) ? { informationRequested: true } : {};
  const notification = {
    notificationId: notificationId(plan.sourceEventId, owner.agencyId, record.recordId),
    schemaVersion: 1 as const,
    agencyId: owner.agencyId,
    occurredAt: plan.occurredAt,
    ...(plan.correlationId ? { correlationId: plan.correlationId } : {}),
    ...plan.body,
    ...about,
    ...extra,
  } as AgencyNotification;
  return { agencyId: owner.agencyId, key: owner.agencyRecordId, notification };
}

/** A UUID (version 8, RFC 9562 custom) derived from the source event, the agency and the record. */
export function notificationId(sourceEventId: string, agencyId: string, recordId: string): string {
  const h = createHash('sha256').update(`${sourceEventId}|${agencyId}|${recordId}`).digest();
  h[6] = (h[6] & 0x0f) | 0x80;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;
}

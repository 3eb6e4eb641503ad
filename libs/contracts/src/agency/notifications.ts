import type { AgencyEventRejection } from './agency-event';

/**
 * What Kinlink publishes to an agency's outbound topic (`<prefix>.outbound.<agencyId>`), v1.
 * Keyed by the agency's own record id (or event id for rejections), so every notice about one
 * record lands on one partition, in order; header `notification-type` carries `type`.
 *
 * Notices carry ids, statuses and reason codes only: never names, places, dates of the child's
 * life, notes or other personal data (an agency looks the record up in its own system by its own
 * id). New types and fields are added without a version change: ignore what you do not know.
 */
export type AgencyNotification =
  | EventRejectedNotification
  | MatchProposedNotification
  | ProposalDecidedNotification
  | CaseOpenedNotification
  | CaseStatusChangedNotification;

export type AgencyNotificationType = AgencyNotification['type'];
export const AGENCY_NOTIFICATION_TYPES: readonly AgencyNotificationType[] = [
  'event.rejected', 'match.proposed', 'proposal.decided', 'case.opened', 'case.status-changed',
];

interface NotificationBase<T extends string> {
  /** deterministic: a notice published twice has the same id (deduplicate on it) */
  notificationId: string;
  type: T;
  schemaVersion: 1;
  /** the agency the notice is for (the owner of the outbound topic) */
  agencyId: string;
  occurredAt: string;
  correlationId?: string;
}

/** Which of the agency's own records a notice is about. */
export type NotifiedRecordType = 'child' | 'tracing-request';
interface AboutYourRecord {
  /** your own id of your record (also the message key) */
  agencyRecordId: string;
  recordType?: NotifiedRecordType;
  /** for a tracing request: your reference of the sought child concerned */
  soughtChildRef?: string;
}

/** One of your events was refused by the contract (nothing of it was stored). */
export type EventRejectedNotification = NotificationBase<'event.rejected'> & {
  rejection: AgencyEventRejection;
  source: { partition: number; offset: string };
};

/** Kinlink proposes a match involving your record; a coordinator will review it. */
export type MatchProposedNotification = NotificationBase<'match.proposed'> & AboutYourRecord & {
  proposalId: string;
  probability: number;
  /** child-sought | duplicate-child | same-sought-child | possible-sibling */
  kind?: string;
};

/**
 * A decision on a proposal involving your record: confirm, reject (with its reason code), the
 * tentative marks, and the system's withdraw / supersede (`reasonCode: reunited_elsewhere`) / reopen.
 * `informationRequested: true` (decision `request_information`) asks you for more information on
 * your record: the coordinator will contact you; the question itself is not sent here.
 */
export type ProposalDecidedNotification = NotificationBase<'proposal.decided'> & AboutYourRecord & {
  proposalId: string;
  decision: string;
  /** the proposal's status after the decision */
  status: string;
  reasonCode?: string;
  /** the reunification case a confirmation opened */
  caseId?: string;
  informationRequested?: boolean;
};

/** A reunification case was opened for your record (a proposal was confirmed). */
export type CaseOpenedNotification = NotificationBase<'case.opened'> & AboutYourRecord & {
  caseId: string;
  proposalId?: string;
  status: string;
};

/**
 * A reunification case involving your record moved (verification, reunification, follow-up,
 * closure, reopening, … and `superseded` when the child was reunified through another case).
 */
export type CaseStatusChangedNotification = NotificationBase<'case.status-changed'> & AboutYourRecord & {
  caseId: string;
  from: string;
  to: string;
  reasonCode?: string;
  /** the case's version after the step (1 when opened, +1 per step): order and deduplicate on it */
  caseVersion?: number;
  /** `to: superseded`: the case through which the child was reunified */
  supersededByCaseId?: string;
};

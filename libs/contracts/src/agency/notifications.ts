import type { AgencyEventRejection } from './agency-event';

/**
 * What Kinlink publishes to an agency's outbound topic (`<prefix>.outbound.<agencyId>`), v1.
 * Keyed by the agency's record id (or event id for rejections); ids only in keys and headers.
 */
export type AgencyNotification =
  | (NotificationBase<'event.rejected'> & { rejection: AgencyEventRejection; source: { partition: number; offset: string } })
  | (NotificationBase<'match.proposed'> & { proposalId: string; agencyRecordId: string; probability: number })
  | (NotificationBase<'case.status-changed'> & { caseId: string; agencyRecordId: string; from: string; to: string; reasonCode?: string });

interface NotificationBase<T extends string> {
  notificationId: string;
  type: T;
  schemaVersion: 1;
  agencyId: string;
  occurredAt: string;
  correlationId?: string;
}

/**
 * Topic names. Agencies talk to Kinlink on per-agency topics; services talk to each other on
 * internal topics named by what they carry. Keys are always ids (never personal data) so that
 * all events of one subject land on one partition, in order.
 */
export const INTERNAL_TOPICS = {
  /** gateway → registry: agency events that passed the contract. Key: `<agencyId>:<agencyRecordId>`. */
  intake: 'intake',
  /** registry → matching, audit, admin-api: record lifecycle. Key: Kinlink record id. */
  records: 'records',
  /** matching → cases, audit, admin-api: proposals. Key: proposal id. */
  matches: 'matches',
  /** admin-api → cases: coordinator commands. Key: proposal or case id. */
  caseCommands: 'case-commands',
  /** cases → audit, admin-api (and the gateway's outbound notifications): decisions and case transitions. Key: proposal or case id. */
  cases: 'cases',
  /** audit → admin-api: appended audit leaves. Key: subject id. */
  audit: 'audit',
  /** any consumer → operators, audit: events that could not be processed, with provenance headers. */
  deadLetter: 'dead-letter',
  /** audit → agencies (witnesses), admin-api: signed checkpoints of the audit log. Key: log origin. */
  auditCheckpoints: 'audit-checkpoints',
  /** admin-api → audit: reads of children's and tracing requests' records and of the audit log. Key: record id. */
  accessLog: 'access-log',
} as const;

export type InternalTopic = keyof typeof INTERNAL_TOPICS;
export type LogicalTopic = (typeof INTERNAL_TOPICS)[InternalTopic];

/** Physical topic names under a deployment prefix (tests use their own prefix so runs don't interfere). */
export class TopicNames {
  constructor(readonly prefix: string) {
    if (!/^[a-zA-Z0-9._-]+$/.test(prefix)) throw new Error(`invalid topic prefix "${prefix}"`);
  }
  internal(topic: LogicalTopic): string {
    return `${this.prefix}.${topic}`;
  }
  /** Where an agency publishes its events; only that agency may write here. */
  agencyInbound(agencyId: string): string {
    return `${this.prefix}.inbound.${assertAgencyId(agencyId)}`;
  }
  /** Where Kinlink tells an agency about rejections, proposals and case changes for its records. */
  agencyOutbound(agencyId: string): string {
    return `${this.prefix}.outbound.${assertAgencyId(agencyId)}`;
  }
  /** Reverse of agencyInbound, for checking that an event's agency is its topic's agency. */
  agencyOfInbound(topic: string): string | undefined {
    const head = `${this.prefix}.inbound.`;
    return topic.startsWith(head) ? topic.slice(head.length) : undefined;
  }
  allInternal(): string[] {
    return Object.values(INTERNAL_TOPICS).map((t) => this.internal(t));
  }
}

/**
 * Retention of agencies' inbound topics: agencies write plaintext there, which Kinlink cannot
 * crypto-shred, so it is kept only as long as redelivery may need it (the gateway reads within
 * seconds). Set when Kinlink creates the topic; docs/security.md §9.
 */
export const AGENCY_INBOUND_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** Topic settings Kinlink creates a topic with (none but the inbound topics' retention). */
export function topicConfigOf(topics: TopicNames, topic: string): Array<{ name: string; value: string }> {
  return topics.agencyOfInbound(topic) !== undefined ? [{ name: 'retention.ms', value: String(AGENCY_INBOUND_RETENTION_MS) }] : [];
}

export const AGENCY_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,39}$/;

export function assertAgencyId(agencyId: string): string {
  if (!AGENCY_ID_PATTERN.test(agencyId)) throw new Error(`invalid agency id "${agencyId}"`);
  return agencyId;
}

import type { IHeaders } from 'kafkajs';
import type { KinlinkEvent } from '@kinlink/contracts';

/** Header names. Headers carry ids only, never personal data. */
export const HEADER = {
  eventId: 'event-id',
  eventType: 'event-type',
  correlationId: 'correlation-id',
  /** `<schema>:<outbox row id>`: the outbox row an event was published from (order and dedupe checks) */
  outboxId: 'outbox-id',
  // dead-letter provenance
  dltReason: 'dlt-reason',
  dltDetail: 'dlt-detail',
  dltOriginalTopic: 'dlt-original-topic',
  dltOriginalPartition: 'dlt-original-partition',
  dltOriginalOffset: 'dlt-original-offset',
  dltAttempts: 'dlt-attempts',
  dltFailedAt: 'dlt-failed-at',
  dltConsumer: 'dlt-consumer',
  /** on a replayed event (npm run dlt:replay), and on its dead letter if it fails again: `<dlt topic>:<partition>:<offset>` */
  dltReplayOf: 'dlt-replay-of',
  agencyId: 'agency-id',
} as const;

export function eventHeaders(event: KinlinkEvent): Record<string, string> {
  return { [HEADER.eventId]: event.eventId, [HEADER.eventType]: event.type, [HEADER.correlationId]: event.correlationId };
}

export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  if (v === undefined || v === null) return undefined;
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? undefined : first.toString();
}

import { Logger } from '@nestjs/common';
import { BaseRpcContext, CustomTransportStrategy, Server } from '@nestjs/microservices';
import { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { DomainError, dispositionOf, INTERNAL_TOPICS, KinlinkEvent, LogicalTopic, MessageSource, TopicNames } from '@kinlink/contracts';
import { EventPublisher } from './event-publisher';
import { HEADER, headerText } from './headers';

/** Pattern under which a handler receives raw messages from every agency's inbound topic. */
export const AGENCY_INBOUND = 'agency-inbound';
export type KinlinkPattern = LogicalTopic | typeof AGENCY_INBOUND;

export interface KafkaEventServerOptions {
  kafka: Kafka;
  /** one consumer group per service (never shared across services: see engineering notes) */
  groupId: string;
  topics: TopicNames;
  /** logical topics this service consumes; `agency-inbound` needs `agencies` */
  subscribe: KinlinkPattern[];
  agencies?: string[];
  /** publishes dead letters */
  publisher: EventPublisher;
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  partitionsConsumedConcurrently?: number;
  sessionTimeout?: number;
  heartbeatInterval?: number;
  fromBeginning?: boolean;
}

export type KafkaMessageContextArgs = [MessageSource & { key: string | null; headers: IHeaders; value: Buffer | null }];

/** The Kafka message behind an event: topic, partition, offset and raw bytes. */
export class KafkaMessageContext extends BaseRpcContext<KafkaMessageContextArgs> {
  get message() {
    return this.args[0];
  }
}

class MalformedInternalEvent extends DomainError<'malformed_event'> {
  readonly code = 'malformed_event' as const;
}

/**
 * Nest transport for Kinlink's Kafka consumers (`@EventPattern('<logical topic>')`).
 * Per partition, messages are handled in order; an error is classified once (DomainError.retryable):
 * retryable errors are retried with exponential backoff and jitter, then parked on the dead-letter
 * topic; others go there at once. Either way the offset moves on: a poison message never blocks
 * its partition. Handlers must be idempotent (Kafka delivers at least once).
 */
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(KafkaEventServer.name);
  private consumer?: Consumer;
  private ready = false;
  private crashed?: Error;

  constructor(private readonly options: KafkaEventServerOptions) {
    super();
  }

  /** true once the consumer joined its group and has not crashed (for readiness). */
  get isReady(): boolean {
    return this.ready && !this.crashed;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (e) {
      callback(e);
    }
  }

  private async start(): Promise<void> {
    const o = this.options;
    this.consumer = o.kafka.consumer({
      groupId: o.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: o.sessionTimeout ?? 10_000,
      heartbeatInterval: o.heartbeatInterval ?? 1_000,
      maxWaitTimeInMs: 100,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.ready = true;
      this.crashed = undefined;
    });
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      this.crashed = e.payload.error;
      this.ready = false;
      this.logger.error(`consumer crashed (restart: ${e.payload.restart}): ${e.payload.error.message}`);
    });
    await this.consumer.connect();
    const topics = o.subscribe.flatMap((p) =>
      p === AGENCY_INBOUND ? (o.agencies ?? []).map((a) => o.topics.agencyInbound(a)) : [o.topics.internal(p)],
    );
    await this.consumer.subscribe({ topics, fromBeginning: o.fromBeginning ?? true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      autoCommitInterval: 500,
      partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  private patternOf(topic: string): KinlinkPattern | undefined {
    if (this.options.topics.agencyOfInbound(topic) !== undefined) return AGENCY_INBOUND;
    const head = `${this.options.topics.prefix}.`;
    return topic.startsWith(head) ? (topic.slice(head.length) as LogicalTopic) : undefined;
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload) {
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      await this.handleMessage(batch.topic, batch.partition, message, heartbeat);
      resolveOffset(message.offset);
      await heartbeat();
    }
    await commitOffsetsIfNecessary();
  }

  private async handleMessage(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>) {
    const source: KafkaMessageContextArgs[0] = {
      topic, partition, offset: message.offset, key: message.key?.toString() ?? null, headers: message.headers ?? {}, value: message.value,
    };
    const pattern = this.patternOf(topic);
    const handler = pattern && this.getHandlerByPattern(pattern);
    if (!handler) {
      this.logger.error(`no handler for topic ${topic}; message parked`);
      await this.deadLetter(source, 'no_handler', `no handler for ${topic}`, 0);
      return;
    }
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        // agency messages are checked by the gateway, dead letters are raw by nature: both arrive as bytes
        const data = pattern === AGENCY_INBOUND || pattern === INTERNAL_TOPICS.deadLetter ? message.value : parseInternalEvent(message.value);
        const result = await handler(data, new KafkaMessageContext([source]));
        if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
        return;
      } catch (error) {
        const code = error instanceof DomainError ? error.code : 'unexpected_error';
        const text = (error as Error)?.message ?? String(error);
        if (dispositionOf(error) === 'dead-letter') {
          this.logger.warn(`${topic}[${partition}]@${message.offset}: ${code}; dead-lettered`);
          await this.deadLetter(source, code, text, attempt, idHeadersOf(error));
          return;
        }
        if (attempt >= maxAttempts) {
          this.logger.error(`${topic}[${partition}]@${message.offset}: ${code} after ${attempt} attempts; parked: ${text}`);
          await this.deadLetter(source, `retries_exhausted:${code}`, text, attempt);
          return;
        }
        this.logger.warn(`${topic}[${partition}]@${message.offset}: attempt ${attempt} failed (${code}): ${text}`);
        await sleep(backoff(attempt, this.options.retryBaseMs ?? 200, this.options.retryMaxMs ?? 5_000));
        await heartbeat().catch(() => undefined);
      }
    }
  }

  /** Parks a message with provenance headers; retried until the broker takes it (never drops it). */
  private async deadLetter(
    source: KafkaMessageContextArgs[0], reason: string, detail: string, attempts: number, ids: Record<string, string> = {},
  ): Promise<void> {
    if (source.topic === this.options.topics.internal(INTERNAL_TOPICS.deadLetter)) {
      // never dead-letter a dead letter (that would loop); it stays on the topic for replay
      this.logger.error(`dead letter ${source.partition}@${source.offset} could not be handled (${reason}); skipped`);
      return;
    }
    const headers: Record<string, string> = {
      ...ids,
      [HEADER.dltReason]: reason,
      [HEADER.dltDetail]: detail.slice(0, 500),
      [HEADER.dltOriginalTopic]: source.topic,
      [HEADER.dltOriginalPartition]: String(source.partition),
      [HEADER.dltOriginalOffset]: source.offset,
      [HEADER.dltAttempts]: String(attempts),
      [HEADER.dltFailedAt]: new Date().toISOString(),
      [HEADER.dltConsumer]: this.options.groupId,
    };
    for (const name of [HEADER.eventId, HEADER.eventType, HEADER.correlationId, HEADER.agencyId]) {
      const v = headerText(source.headers, name);
      if (v !== undefined) headers[name] = v;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.publisher.sendRecords([{ topic: this.options.topics.internal(INTERNAL_TOPICS.deadLetter), key: source.key, value: source.value, headers }]);
        return;
      } catch (e) {
        this.logger.error(`dead-letter publish failed (attempt ${attempt}): ${(e as Error).message}`);
        await sleep(backoff(attempt, 200, 5_000));
      }
    }
  }

  async close(): Promise<void> {
    this.ready = false;
    await this.consumer?.disconnect().catch(() => undefined);
  }

  on(): never {
    throw new Error('KafkaEventServer does not support status listeners; use isReady');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}

/** Ids a domain error names (event, agency), copied into dead-letter headers; never field values. */
function idHeadersOf(error: unknown): Record<string, string> {
  const details = error instanceof DomainError ? error.details : undefined;
  const out: Record<string, string> = {};
  if (typeof details?.eventId === 'string') out[HEADER.eventId] = details.eventId;
  if (typeof details?.agencyId === 'string') out[HEADER.agencyId] = details.agencyId;
  return out;
}

export function parseInternalEvent(value: Buffer | null): KinlinkEvent {
  let event: KinlinkEvent;
  try {
    event = JSON.parse(value?.toString() ?? '');
  } catch {
    throw new MalformedInternalEvent('message is not valid JSON');
  }
  if (!event || typeof event !== 'object' || typeof event.eventId !== 'string' || typeof event.type !== 'string') {
    throw new MalformedInternalEvent('message is not a Kinlink event envelope');
  }
  return event;
}

/** Exponential backoff with full jitter. */
export function backoff(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

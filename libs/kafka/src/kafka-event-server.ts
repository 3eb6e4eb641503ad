import { Logger } from '@nestjs/common';
import { BaseRpcContext, CustomTransportStrategy, Server } from '@nestjs/microservices';
import { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { DomainError, dispositionOf, INTERNAL_TOPICS, KinlinkEvent, LogicalTopic, MessageSource, TopicNames } from '@kinlink/contracts';
import { EventPublisher } from './event-publisher';
import { BatchScope, InboxConflict, runInBatch } from './batch-scope';
import { failpoint } from './failpoints';
import { HEADER, headerText } from './headers';
import { isTransientInfrastructureError } from './transient-errors';

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
  /** a rebalance longer than this makes the service unready (default 30 s) */
  maxRebalanceMs?: number;
  /** messages of a partition's batch handled in one transaction (default KAFKA_BATCH_SLICE or 200; 1 = one transaction per message) */
  sliceSize?: number;
  /** runs before the handlers of a slice (or of a message handled alone); see SlicePreparer */
  prepareSlice?: SlicePreparer;
}

/** A message of a slice as a SlicePreparer sees it; `event` is the parsed internal event (absent for agency messages, dead letters and unparsable ones). */
export interface SliceMessage {
  topic: string;
  partition: number;
  key: string | null;
  value: Buffer | null;
  event?: KinlinkEvent;
}

/**
 * Work a service does once for a whole slice before its handlers run one by one — e.g. loading
 * the data keys of all the slice's subjects in one round trip instead of one per message. Best
 * effort: it may not change outcomes, and if it throws the handlers simply do the work themselves.
 */
export type SlicePreparer = (pattern: KinlinkPattern, messages: SliceMessage[]) => Promise<void>;

const DEFAULT_SLICE = Number(process.env.KAFKA_BATCH_SLICE ?? 200);
const FETCH_MAX_WAIT_MS = Number(process.env.KAFKA_FETCH_MAX_WAIT_MS ?? 1_000);

/** Where the consumer stands in its group, for readiness and operators. */
export type ConsumerPhase = 'starting' | 'joining' | 'stable' | 'rebalancing' | 'crashed' | 'stopping' | 'stopped';
export interface ConsumerStatus {
  groupId: string;
  phase: ConsumerPhase;
  /** ISO time the phase began */
  since: string;
  memberId?: string;
  /** partitions assigned at the last join, by topic */
  assignment?: Record<string, number[]>;
  /** group joins so far (1 after the first; more after rebalances and restarts) */
  joins: number;
  crashes: number;
  /** false once the consumer crashed and could not be started again (the process should be restarted) */
  restarting?: boolean;
  lastError?: string;
  /** a message held because a dependency (database, broker) is briefly unavailable */
  holding?: { topic: string; partition: number; offset: string; since: string; error: string };
}

/** Thrown inside the transport to give a message back unacknowledged (the consumer is stopping or lost the partition). */
class Abandoned extends Error {}

/** `receivedAt`: when the transport got the message's batch from the broker (ms since the epoch; the message was on the topic by then) */
export type KafkaMessageContextArgs = [MessageSource & { key: string | null; headers: IHeaders; value: Buffer | null; receivedAt: number }];

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
 * its partition. Errors that say a dependency is briefly away (database restarting, connection
 * dropped: `isTransientInfrastructureError`) are different: the message is held and retried for as
 * long as that lasts, since parking it would park every message. Stopping, or losing the
 * partition in a rebalance, gives the message in hand back unacknowledged (it is delivered again).
 * Handlers must be idempotent (Kafka delivers at least once).
 */
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(KafkaEventServer.name);
  private consumer?: Consumer;
  private closing?: Promise<void>;
  private consumerStatus: ConsumerStatus;

  constructor(private readonly options: KafkaEventServerOptions) {
    super();
    this.consumerStatus = { groupId: options.groupId, phase: 'starting', since: new Date().toISOString(), joins: 0, crashes: 0 };
  }

  /**
   * Ready: joined its group and stable (or in a rebalance shorter than `maxRebalanceMs`), not
   * crashed, not stopping.
   */
  get isReady(): boolean {
    const { phase, since } = this.consumerStatus;
    if (phase === 'stable') return true;
    if (phase === 'rebalancing') return Date.now() - Date.parse(since) < (this.options.maxRebalanceMs ?? 30_000);
    return false;
  }

  /** Alive unless the consumer crashed with an error it will not restart from (then the process should be restarted). */
  get isAlive(): boolean {
    return !(this.consumerStatus.phase === 'crashed' && this.consumerStatus.restarting === false);
  }

  describe(): ConsumerStatus {
    return { ...this.consumerStatus };
  }

  private enter(phase: ConsumerPhase, extra: Partial<ConsumerStatus> = {}): void {
    if (this.closing && phase !== 'stopped' && phase !== 'stopping') return;
    this.consumerStatus = { ...this.consumerStatus, ...extra, phase, since: new Date().toISOString() };
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
      // how long an empty fetch waits at the broker: one with data returns as soon as a message
      // arrives (minBytes 1; measured 2–3 ms p50 with 100, 1,000 or 5,000 ms), so this only sets how
      // often an idle consumer asks — 100 ms cost the idle system ≈ 0.15 cores (services + broker)
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
    });
    const events = this.consumer.events;
    this.consumer.on(events.CONNECT, () => this.enter('joining'));
    this.consumer.on(events.GROUP_JOIN, (e) => {
      const assignment = Object.fromEntries(Object.entries(e.payload.memberAssignment).map(([t, ps]) => [t, [...ps].sort((a, b) => a - b)]));
      this.enter('stable', { memberId: e.payload.memberId, assignment, joins: this.consumerStatus.joins + 1, restarting: undefined });
    });
    this.consumer.on(events.REBALANCING, () => this.enter('rebalancing'));
    this.consumer.on(events.CRASH, (e) => {
      this.enter('crashed', { crashes: this.consumerStatus.crashes + 1, restarting: true, lastError: e.payload.error.message });
      this.logger.error(`consumer crashed (kafkajs restarts it: ${e.payload.restart}): ${e.payload.error.message}`);
      // kafkajs gives up on errors it deems non-retriable; so would the service, silently: start over
      if (!e.payload.restart && !this.closing) void this.restartAfterCrash(1);
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

  /** A new consumer after one kafkajs will not restart; after 10 failed attempts, liveness fails (restart the process). */
  private async restartAfterCrash(attempt: number): Promise<void> {
    await sleep(backoff(attempt, 1_000, 30_000));
    if (this.closing) return;
    try {
      await this.consumer?.disconnect().catch(() => undefined);
      await this.start();
      this.logger.log(`consumer started again after a crash (attempt ${attempt})`);
    } catch (e) {
      this.logger.error(`consumer restart ${attempt} failed: ${(e as Error).message}`);
      if (attempt >= 10) this.enter('crashed', { restarting: false });
      else void this.restartAfterCrash(attempt + 1);
    }
  }

  private patternOf(topic: string): KinlinkPattern | undefined {
    if (this.options.topics.agencyOfInbound(topic) !== undefined) return AGENCY_INBOUND;
    const head = `${this.options.topics.prefix}.`;
    return topic.startsWith(head) ? (topic.slice(head.length) as LogicalTopic) : undefined;
  }

  /**
   * A partition's batch is handled in slices of up to `sliceSize` messages, each slice in one
   * database transaction (BatchScope: one multi-row inbox insert, one multi-row outbox insert, one
   * send of directly published records, one commit). If message k of a slice fails, the slice is
   * rolled back; messages 0..k-1 are done again as one slice, message k goes the one-message path
   * (`handleMessage`: retried, held or dead-lettered alone, the failure in the slice counting as its
   * first attempt) and the rest continue in slices. Batching changes cost, not outcomes: effects
   * commit once per event (the inbox), in partition order, and nothing is resolved uncommitted.
   */
  private async handleBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload) {
    const live = () => isRunning() && !isStale() && !this.closing;
    const size = Math.max(1, this.options.sliceSize ?? DEFAULT_SLICE);
    const { topic, partition, messages } = batch;
    const receivedAt = Date.now();
    const one = async (message: KafkaMessage, first?: { error: unknown }) => {
      await this.handleMessage(topic, partition, message, heartbeat, live, first, receivedAt);
      await failpoint('consumer.after-effect');
      resolveOffset(message.offset);
    };
    try {
      for (let i = 0; i < messages.length && live();) {
        const slice = messages.slice(i, i + size);
        if (slice.length === 1) {
          await one(slice[0]);
          i += 1;
          continue;
        }
        const outcome = await this.handleSlice(topic, partition, slice, live, receivedAt);
        if (outcome.ok) {
          await failpoint('consumer.after-effect');
          resolveOffset(slice[slice.length - 1].offset);
          i += slice.length;
        } else {
          const k = outcome.failedAt;
          const prefix = slice.slice(0, k);
          if (prefix.length > 1 && (await this.handleSlice(topic, partition, prefix, live, receivedAt)).ok) {
            resolveOffset(prefix[prefix.length - 1].offset);
          } else {
            for (const message of prefix) await one(message);
          }
          if (!live()) break;
          await one(slice[k], outcome.error);
          i += k + 1;
        }
        await heartbeat().catch(() => undefined);
      }
    } catch (e) {
      if (!(e instanceof Abandoned)) throw e; // not resolved: delivered again to whoever owns the partition next
    } finally {
      await commitOffsetsIfNecessary();
    }
  }

  /**
   * One transaction for the slice. Not ok: nothing of it committed; `failedAt` is the first message
   * to redo alone (0 when the failure is not one message's), `error` what its handler threw.
   */
  private async handleSlice(
    topic: string, partition: number, slice: KafkaMessage[], live: () => boolean, receivedAt: number,
  ): Promise<{ ok: true } | { ok: false; failedAt: number; error?: { error: unknown } }> {
    const pattern = this.patternOf(topic);
    const handler = pattern && this.getHandlerByPattern(pattern);
    if (!handler) return { ok: false, failedAt: 0 };
    const candidateIds = [...new Set(slice.flatMap((m) => [headerText(m.headers, HEADER.eventId), headerText(m.headers, HEADER.correlationId)])
      .filter((v): v is string => v !== undefined))];
    // parsed once for the preparer and the first attempt (a redone attempt parses again: handlers get fresh objects)
    const parseAll = () => slice.map((m) => parseFor(pattern, m.value));
    let parsed = parseAll();
    await this.prepare(pattern, topic, partition, slice, parsed);
    let known: ReadonlySet<string> = new Set();
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) parsed = parseAll();
      const scope = new BatchScope(known, candidateIds);
      let failure: { at: number; error: unknown } | undefined;
      try {
        await runInBatch(scope, async () => {
          for (let k = 0; k < slice.length; k++) {
            if (!live()) throw new Abandoned();
            const message = slice[k];
            scope.current = k;
            const source: KafkaMessageContextArgs[0] = {
              topic, partition, offset: message.offset, key: message.key?.toString() ?? null, headers: message.headers ?? {}, value: message.value, receivedAt,
            };
            try {
              const p = parsed[k];
              if ('error' in p) throw p.error;
              const result = await handler(p.data, new KafkaMessageContext([source]));
              if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
            } catch (error) {
              failure = { at: k, error };
              return;
            }
          }
        });
        if (failure && !(scope.poisonedAt !== undefined && scope.poisonedAt < failure.at)) {
          await scope.rollback();
          // A deadlock or lost connection says nothing about the message (slices hold their locks
          // longer, so they meet more deadlocks): it is simply tried again alone, at once.
          if (isTransientInfrastructureError(failure.error)) return { ok: false, failedAt: failure.at };
          // Otherwise its failure counts as its first attempt, so what it sent before throwing (a rejection notice) goes out as it would alone.
          await this.options.publisher.sendNow(scope.recordsOf(failure.at));
          return { ok: false, failedAt: failure.at, error: { error: failure.error } };
        }
        if (scope.poisonedAt !== undefined) {
          await scope.rollback();
          return { ok: false, failedAt: scope.poisonedAt };
        }
        if (!live()) throw new Abandoned();
        await scope.commit((records) => this.options.publisher.sendNow(records));
        return { ok: true };
      } catch (e) {
        await scope.rollback();
        if (e instanceof Abandoned) throw e;
        // a redelivery (after a restart or rebalance): the same slice again, skipping what was already processed
        if (e instanceof InboxConflict && attempt === 1) {
          known = e.duplicates;
          continue;
        }
        this.logger.debug(`${topic}[${partition}]@${slice[0].offset}+${slice.length}: slice replayed one by one (${(e as Error)?.message ?? e})`);
        return { ok: false, failedAt: 0 };
      }
    }
  }

  /** Runs the service's SlicePreparer; its failure is logged and otherwise ignored (the handlers do the work themselves). */
  private async prepare(
    pattern: KinlinkPattern, topic: string, partition: number, messages: KafkaMessage[], parsed: Array<{ data: unknown } | { error: unknown }>,
  ): Promise<void> {
    const prepareSlice = this.options.prepareSlice;
    if (!prepareSlice) return;
    try {
      await prepareSlice(pattern, messages.map((m, k) => {
        const p = parsed[k];
        return { topic, partition, key: m.key?.toString() ?? null, value: m.value, event: !isRaw(pattern) && 'data' in p ? (p.data as KinlinkEvent) : undefined };
      }));
    } catch (e) {
      this.logger.debug(`${topic}[${partition}]: slice preparation failed (${(e as Error)?.message ?? e}); handlers fetch what they need`);
    }
  }

  /** `first`: what the handler threw when the message failed in a slice (counts as attempt 1) */
  private async handleMessage(
    topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>, live: () => boolean, first?: { error: unknown }, receivedAt = Date.now(),
  ) {
    const source: KafkaMessageContextArgs[0] = {
      topic, partition, offset: message.offset, key: message.key?.toString() ?? null, headers: message.headers ?? {}, value: message.value, receivedAt,
    };
    const pattern = this.patternOf(topic);
    const handler = pattern && this.getHandlerByPattern(pattern);
    if (!handler) {
      this.logger.error(`no handler for topic ${topic}; message parked`);
      await this.deadLetter(source, 'no_handler', `no handler for ${topic}`, 0, live);
      return;
    }
    // a message that failed in a slice was prepared with it
    if (!first && this.options.prepareSlice) {
      await this.prepare(pattern, topic, partition, [message], [parseFor(pattern, message.value)]);
    }
    const maxAttempts = this.options.maxAttempts ?? 5;
    let holdingSince: number | undefined;
    for (let attempt = 1, held = 0; ; attempt++) {
      try {
        if (first && attempt === 1 && held === 0) throw first.error;
        // agency messages are checked by the gateway, dead letters are raw by nature: both arrive as bytes
        const data = isRaw(pattern) ? message.value : parseInternalEvent(message.value);
        const result = await handler(data, new KafkaMessageContext([source]));
        if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
        if (holdingSince !== undefined) {
          this.logger.log(`${topic}[${partition}]@${message.offset}: handled after holding ${Date.now() - holdingSince} ms`);
          this.consumerStatus = { ...this.consumerStatus, holding: undefined };
        }
        return;
      } catch (error) {
        const code = error instanceof DomainError ? error.code : 'unexpected_error';
        const text = (error as Error)?.message ?? String(error);
        if (isTransientInfrastructureError(error)) {
          // A dependency is away (database restarting, connection dropped): hold the message and
          // retry for as long as that lasts; these attempts do not count towards parking it.
          holdingSince ??= Date.now();
          this.consumerStatus = { ...this.consumerStatus, holding: { topic, partition, offset: message.offset, since: new Date(holdingSince).toISOString(), error: text.slice(0, 200) } };
          if (held++ % 10 === 0) this.logger.warn(`${topic}[${partition}]@${message.offset}: dependency unavailable (${text}); holding the message`);
          attempt--;
          // short, capped backoff: the message goes on as soon as the dependency is back
          await this.pause(backoff(Math.min(held, 5), this.options.retryBaseMs ?? 200, 2_000), heartbeat, live);
          continue;
        }
        if (dispositionOf(error) === 'dead-letter') {
          this.logger.warn(`${topic}[${partition}]@${message.offset}: ${code}; dead-lettered`);
          await this.deadLetter(source, code, text, attempt, live, idHeadersOf(error));
          return;
        }
        if (attempt >= maxAttempts) {
          this.logger.error(`${topic}[${partition}]@${message.offset}: ${code} after ${attempt} attempts; parked: ${text}`);
          await this.deadLetter(source, `retries_exhausted:${code}`, text, attempt, live);
          return;
        }
        this.logger.warn(`${topic}[${partition}]@${message.offset}: attempt ${attempt} failed (${code}): ${text}`);
        await this.pause(backoff(attempt, this.options.retryBaseMs ?? 200, this.options.retryMaxMs ?? 5_000), heartbeat, live);
      }
    }
  }

  /** Sleeps between attempts, heartbeating; gives the message back if the consumer stops or loses the partition meanwhile. */
  private async pause(ms: number, heartbeat: () => Promise<void>, live: () => boolean): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!live()) {
        this.consumerStatus = { ...this.consumerStatus, holding: undefined };
        throw new Abandoned();
      }
      await sleep(Math.min(500, until - Date.now()));
      await heartbeat().catch(() => undefined);
    }
    if (!live()) {
      this.consumerStatus = { ...this.consumerStatus, holding: undefined };
      throw new Abandoned();
    }
  }

  /** Parks a message with provenance headers; retried until the broker takes it (never drops it). */
  private async deadLetter(
    source: KafkaMessageContextArgs[0], reason: string, detail: string, attempts: number, live: () => boolean, ids: Record<string, string> = {},
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
    for (const name of [HEADER.eventId, HEADER.eventType, HEADER.correlationId, HEADER.agencyId, HEADER.dltReplayOf]) {
      const v = headerText(source.headers, name);
      if (v !== undefined) headers[name] = v;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.publisher.sendNow([{ topic: this.options.topics.internal(INTERNAL_TOPICS.deadLetter), key: source.key, value: source.value, headers }]);
        return;
      } catch (e) {
        this.logger.error(`dead-letter publish failed (attempt ${attempt}): ${(e as Error).message}`);
        // stopping or partition lost: give the message back instead (it is handled again, never dropped)
        await this.pause(backoff(attempt, 200, 5_000), async () => undefined, live);
      }
    }
  }

  /**
   * Stops consuming: no new batches; the message in hand is finished (or, if it is waiting
   * between attempts, given back unacknowledged); resolved offsets are committed; the group is
   * left so the partitions move at once. Idempotent.
   */
  close(): Promise<void> {
    if (!this.closing) {
      this.enter('stopping');
      this.closing = (async () => {
        await this.consumer?.disconnect().catch((e) => this.logger.warn(`consumer disconnect: ${(e as Error).message}`));
        this.consumerStatus = { ...this.consumerStatus, phase: 'stopped', since: new Date().toISOString(), holding: undefined };
      })();
    }
    return this.closing;
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

/** Agency messages and dead letters reach their handlers as bytes; every other topic as a parsed internal event. */
const isRaw = (pattern: KinlinkPattern): boolean => pattern === AGENCY_INBOUND || pattern === INTERNAL_TOPICS.deadLetter;

/** What a handler gets for a message, or what parsing threw (the handler's failure, decided later). */
function parseFor(pattern: KinlinkPattern, value: Buffer | null): { data: unknown } | { error: unknown } {
  if (isRaw(pattern)) return { data: value };
  try {
    return { data: parseInternalEvent(value) };
  } catch (error) {
    return { error };
  }
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

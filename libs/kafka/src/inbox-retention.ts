import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { ConfigResourceTypes, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { TopicNames } from '@kinlink/contracts';
import { schemaOf } from '@kinlink/database';
import { INBOX_KEPT_FOREVER, KAFKA_CLIENT } from './kafka.tokens';

const HOUR_MS = 3_600_000;
/** rows deleted per statement: short transactions, never a long lock on the inbox */
const BATCH = 5_000;
/** added to the longest topic retention: a broker deletes a segment some time after it expires */
const MARGIN_MS = 24 * HOUR_MS;

/** A topic's retention as the broker reports it: `retention.ms` and `cleanup.policy`. */
export interface TopicRetention {
  topic: string;
  retentionMs: number;
  cleanupPolicy: string;
}

export type InboxHorizon = { prune: true; olderThanMs: number } | { prune: false; reason: string };

/**
 * How old an inbox row must be before it can never be needed again. Kafka can redeliver an event
 * only while its topic still holds it (a consumer group whose offsets expired re-reads whatever
 * is left), so a row older than the longest retention of the topics, plus a margin, guards
 * nothing. A topic that keeps messages forever (retention -1, or compacted) means never.
 * `configuredMs` is the operator's floor: rows are kept at least that long.
 */
export function inboxHorizon(topics: TopicRetention[], configuredMs: number): InboxHorizon {
  let longest = 0;
  for (const t of topics) {
    if (t.cleanupPolicy.split(',').map((p) => p.trim()).includes('compact')) return { prune: false, reason: `topic ${t.topic} is compacted (keeps messages forever)` };
    if (!Number.isFinite(t.retentionMs) || t.retentionMs < 0) return { prune: false, reason: `topic ${t.topic} keeps messages forever (retention.ms ${t.retentionMs})` };
    longest = Math.max(longest, t.retentionMs);
  }
  if (topics.length === 0) return { prune: false, reason: 'no topics found under the deployment prefix' };
  return { prune: true, olderThanMs: Math.max(configuredMs, longest + MARGIN_MS) };
}

/**
 * Prunes the service's inbox (`processed_event`): the rows that make each handler run once per
 * event would otherwise grow by one per consumed message, forever. Rows are deleted only once
 * older than every Kinlink topic's retention (read from the broker on every pass, so a topic
 * whose retention is raised later is honoured), in small batches, one instance at a time.
 * Consumers whose event ids come from outside Kinlink (an agency's own event id, which an agency
 * may send again whatever Kafka keeps) are never pruned: `KafkaModule.forService(…, { inboxKeptForever })`.
 */
@Injectable()
export class InboxRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InboxRetention.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private lastSkip?: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly config: ConfigService,
    @Inject(INBOX_KEPT_FOREVER) private readonly keptForever: string[],
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.get<number>('INBOX_PRUNE_INTERVAL_MS') ?? HOUR_MS;
    if (every <= 0) return;
    this.timer = setInterval(() => void this.prune().catch((e: Error) => this.logger.warn(`inbox pruning failed: ${e.message}`)), every);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass; returns the rows deleted (0 when it is not safe to prune). */
  prune(): Promise<number> {
    this.running ??= this.pass().finally(() => { this.running = undefined; });
    return this.running;
  }

  private async pass(): Promise<number> {
    const configuredMs = (this.config.get<number>('INBOX_RETENTION_HOURS') ?? 192) * HOUR_MS;
    const horizon = inboxHorizon(await this.topicRetentions(), configuredMs);
    if (!horizon.prune) {
      if (horizon.reason !== this.lastSkip) this.logger.warn(`inbox kept: ${horizon.reason}`);
      this.lastSkip = horizon.reason;
      return 0;
    }
    this.lastSkip = undefined;
    const table = `"${schemaOf(this.dataSource)}".processed_event`;
    let deleted = 0;
    for (;;) {
      const n = await this.dataSource.transaction(async (m) => {
        // another instance of the service is pruning the same inbox: leave it to that one
        const [{ locked }] = await m.query(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`, [`${table}.retention`]);
        if (!locked) return -1;
        const [, count] = await m.query(
          `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
             SELECT ctid FROM ${table} WHERE processed_at < now() - $1::float8 * interval '1 millisecond' AND consumer <> ALL($2::text[]) LIMIT ${BATCH}))`,
          [horizon.olderThanMs, this.keptForever]);
        return Number(count);
      });
      if (n < 0) break;
      deleted += n;
      if (n < BATCH) break;
    }
    if (deleted > 0) this.logger.log(`inbox pruned: ${deleted} rows older than ${Math.round(horizon.olderThanMs / HOUR_MS)} h`);
    return deleted;
  }

  /** retention of every topic under the deployment prefix (internal, agencies' inbound and outbound) */
  private async topicRetentions(): Promise<TopicRetention[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const names = (await admin.listTopics()).filter((t) => t.startsWith(`${this.topics.prefix}.`));
      if (names.length === 0) return [];
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms', 'cleanup.policy'] })),
      });
      return resources.map((r) => {
        const value = (name: string) => r.configEntries.find((e) => e.configName === name)?.configValue;
        return { topic: r.resourceName, retentionMs: Number(value('retention.ms') ?? NaN), cleanupPolicy: value('cleanup.policy') ?? 'delete' };
      });
    } finally {
      await admin.disconnect();
    }
  }
}

/**
 * Inbox pruning on the real database and broker: rows go only once older than every topic's
 * retention (read from the broker), never for a consumer kept forever, and not at all while a
 * topic keeps its messages forever.
 */
import { randomUUID } from 'node:crypto';
import { ConfigService } from '@nestjs/config';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { TopicNames } from '@kinlink/contracts';
import { ensureDatabase, ensureSchema, OutboxMessage, ProcessedEvent } from '@kinlink/database';
import { InboxOutbox1732700000000 } from '../../database/src/inbox-outbox.migration';
import { InboxRetention } from './inbox-retention';
import { ensureTopics } from './topic-admin';

jest.setTimeout(120_000);

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinlink';
const prefix = `inbox-it-${randomUUID().slice(0, 8)}`;
const schema = `inbox_it_${prefix.slice(9)}`;
const topics = new TopicNames(prefix);
const DAY = 24 * 3_600_000;
const kafka = new Kafka({ clientId: 'inbox-it', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:39092').split(','), logLevel: logLevel.NOTHING });

describe('inbox retention', () => {
  let ds: DataSource;
  let retention: InboxRetention;
  const names = [topics.internal('records'), topics.agencyInbound('unhcr')];

  const setRetention = async (topic: string, entries: Array<{ name: string; value: string }>) => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: entries }] });
    await admin.disconnect();
  };
  /** rows processed `ageDays` ago, for each consumer */
  const seed = async (ageDays: number, consumers: string[], n: number) => {
    for (const consumer of consumers) {
      await ds.query(`INSERT INTO "${schema}".processed_event (consumer, event_id, processed_at)
        SELECT $1, gen_random_uuid()::text, now() - $2::float8 * interval '1 day' FROM generate_series(1, $3)`, [consumer, ageDays, n]);
    }
  };
  const remaining = async () => Object.fromEntries((await ds.query(
    `SELECT consumer || '@' || CASE WHEN processed_at < now() - interval '20 days' THEN 'old' ELSE 'recent' END AS k, count(*)::int AS n
     FROM "${schema}".processed_event GROUP BY 1`) as Array<{ k: string; n: number }>).map((r) => [r.k, r.n]));

  beforeAll(async () => {
    await ensureDatabase(url);
    await ensureSchema(url, schema);
    ds = new DataSource({
      type: 'postgres', url, schema, entities: [ProcessedEvent, OutboxMessage], migrations: [InboxOutbox1732700000000],
      migrationsTableName: 'migrations', logging: false,
    });
    await ds.initialize();
    await ds.runMigrations();
    await ensureTopics(kafka, names, 1);
    await setRetention(names[0], [{ name: 'retention.ms', value: String(7 * DAY) }]);
    await setRetention(names[1], [{ name: 'retention.ms', value: String(14 * DAY) }]);
    const config = new ConfigService({ INBOX_RETENTION_HOURS: 1, INBOX_PRUNE_INTERVAL_MS: 0 });
    retention = new InboxRetention(ds, kafka, topics, config, ['registry.intake']);
    // 12,000 rows 30 days old per consumer: more than one delete batch
    await seed(30, ['matching.records', 'registry.intake'], 12_000);
    // 10 days old: past the records topic's 7 days, not past the inbound topic's 14 (+1 day margin)
    await seed(10, ['matching.records'], 50);
    await seed(0, ['matching.records', 'registry.intake'], 50);
  });

  afterAll(async () => {
    await ds?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds?.destroy();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: names }).catch(() => undefined);
    await admin.disconnect();
  });

  it('keeps everything while a topic keeps its messages forever', async () => {
    await setRetention(names[1], [{ name: 'retention.ms', value: '-1' }]);
    expect(await retention.prune()).toBe(0);
    await setRetention(names[1], [{ name: 'retention.ms', value: String(14 * DAY) }, { name: 'cleanup.policy', value: 'compact' }]);
    expect(await retention.prune()).toBe(0);
    expect(await remaining()).toEqual({ 'matching.records@old': 12_000, 'matching.records@recent': 100, 'registry.intake@old': 12_000, 'registry.intake@recent': 50 });
  });

  it('deletes rows older than the longest retention plus a day, except a consumer kept forever', async () => {
    await setRetention(names[1], [{ name: 'retention.ms', value: String(14 * DAY) }, { name: 'cleanup.policy', value: 'delete' }]);
    expect(await retention.prune()).toBe(12_000);
    // the 10-day-old rows are younger than 14 + 1 days: kept
    expect(await remaining()).toEqual({ 'matching.records@recent': 100, 'registry.intake@old': 12_000, 'registry.intake@recent': 50 });
    // a second pass finds nothing more
    expect(await retention.prune()).toBe(0);
  });
});

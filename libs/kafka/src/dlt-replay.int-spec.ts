/**
 * `npm run dlt:replay` on the real broker and database: dead letters matching the filter go back
 * to their original topics with their key, value and event headers, once; a dry run changes
 * nothing; a second run replays nothing.
 */
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Kafka, KafkaMessage, logLevel, Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { TopicNames } from '@kinlink/contracts';
import { eventually } from '@kinlink/testing';
import { replayDeadLetters, REPLAY_SCHEMA } from './dlt-replay';
import { ensureTopics } from './topic-admin';

jest.setTimeout(120_000);

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinlink';
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:39092').split(',');
const prefix = `dlt-it-${randomUUID().slice(0, 8)}`;
const topics = new TopicNames(prefix);
const kafka = new Kafka({ clientId: 'dlt-it', brokers, logLevel: logLevel.NOTHING });
const h = (m: KafkaMessage, k: string) => m.headers?.[k]?.toString();

function letter(original: string, reason: string, eventId: string, failedAt: string) {
  return {
    key: `key-${eventId}`,
    value: JSON.stringify({ eventId }),
    headers: {
      'event-id': eventId, 'correlation-id': `c-${eventId}`, 'dlt-reason': reason, 'dlt-original-topic': original,
      'dlt-original-partition': '0', 'dlt-original-offset': '5', 'dlt-attempts': '5', 'dlt-failed-at': failedAt, 'dlt-consumer': 'x.registry',
    },
  };
}

describe('dead-letter replay', () => {
  const seen = new Map<string, KafkaMessage[]>();
  const consumer = kafka.consumer({ groupId: `${prefix}-watch`, sessionTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  const db = new Client({ connectionString: url });

  beforeAll(async () => {
    await db.connect();
    await ensureTopics(kafka, [topics.internal('dead-letter'), topics.internal('intake'), topics.internal('records')], 2);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({
      topic: topics.internal('dead-letter'),
      messages: [
        letter(topics.internal('intake'), 'retries_exhausted:unexpected_error', 'a', '2026-11-01T10:00:00Z'),
        letter(topics.internal('intake'), 'record_not_found', 'b', '2026-11-01T11:00:00Z'),
        letter(topics.internal('intake'), 'retries_exhausted:unexpected_error', 'c', '2026-10-01T10:00:00Z'),
        letter(topics.internal('records'), 'retries_exhausted:unexpected_error', 'd', '2026-11-01T10:00:00Z'),
      ],
    });
    await producer.disconnect();
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.internal('intake'), topics.internal('records')], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ topic, message }) => { seen.set(topic, [...(seen.get(topic) ?? []), message]); } });
  });

  afterAll(async () => {
    await consumer.disconnect();
    await db.query(`DELETE FROM ${REPLAY_SCHEMA}.replayed WHERE dlt_topic = $1`, [topics.internal('dead-letter')]).catch(() => undefined);
    await db.end();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topics.internal('dead-letter'), topics.internal('intake'), topics.internal('records')] }).catch(() => undefined);
    await admin.disconnect();
  });

  const run = (dryRun: boolean) => replayDeadLetters({
    kafka, topics, databaseUrl: url, dryRun,
    filter: { topics: [topics.internal('intake')], since: new Date('2026-10-15T00:00:00Z'), reason: 'unexpected_error' },
  });

  it('lists without publishing on a dry run', async () => {
    const report = await run(true);
    expect(report).toMatchObject({ scanned: 4, matched: 1, replayed: 0, dryRun: true });
    expect(report.letters.map((l) => [l.eventId, l.status])).toEqual([['a', 'would-replay']]);
  });

  it('replays the matching letter once, with its key, value and headers, to its original topic', async () => {
    const first = await run(false);
    expect(first).toMatchObject({ matched: 1, replayed: 1, alreadyReplayed: 0 });
    const replayed = await eventually(() => {
      const got = seen.get(topics.internal('intake')) ?? [];
      expect(got).toHaveLength(1);
      return got[0];
    });
    expect(replayed.key?.toString()).toBe('key-a');
    expect(JSON.parse(replayed.value!.toString())).toEqual({ eventId: 'a' });
    expect(h(replayed, 'event-id')).toBe('a');
    expect(h(replayed, 'correlation-id')).toBe('c-a');
    expect(h(replayed, 'dlt-replay-of')).toMatch(new RegExp(`^${topics.internal('dead-letter')}:\\d+:\\d+$`));
    expect(h(replayed, 'dlt-reason')).toBeUndefined();

    const second = await run(false);
    expect(second).toMatchObject({ matched: 1, replayed: 0, alreadyReplayed: 1 });
    const all = await replayDeadLetters({ kafka, topics, databaseUrl: url, filter: { topics: [] } });
    expect(all).toMatchObject({ matched: 4, replayed: 3, alreadyReplayed: 1 });
    await eventually(() => {
      expect(seen.get(topics.internal('intake'))).toHaveLength(3);
      expect(seen.get(topics.internal('records'))).toHaveLength(1);
    });
  });

  it('is the npm run dlt:replay command', () => {
    const root = path.resolve(__dirname, '..', '..', '..');
    const r = spawnSync(process.execPath, ['-r', '@swc-node/register', 'scripts/dlt-replay.ts', '--topic', 'all', '--dry-run', '--prefix', prefix, '--brokers', brokers.join(','), '--database-url', url], {
      cwd: root, encoding: 'utf8', env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/would replay 0 of 4 matching dead letters \(4 scanned, 4 replayed before\)/);
  });
});

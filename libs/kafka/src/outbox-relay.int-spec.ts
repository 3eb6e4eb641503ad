/**
 * Two outbox relays racing under concurrent writers, on the real database and broker (fault F3):
 * writers commit out of id order (sequence gaps) and some roll back; every committed row is
 * published, no rolled-back row ever is, and each partition carries rows in id order.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { TopicNames } from '@kinlink/contracts';
import { addToOutbox, ensureDatabase, ensureSchema, OutboxMessage, ProcessedEvent } from '@kinlink/database';
import { InboxOutbox1732700000000 } from '../../database/src/inbox-outbox.migration';
import { EventPublisher } from './event-publisher';
import { HEADER } from './headers';
import { OutboxRelay } from './outbox-relay';
import { ensureTopics } from './topic-admin';

jest.setTimeout(120_000);

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinlink';
const prefix = `relay-it-${randomUUID().slice(0, 8)}`;
const schema = `relay_it_${prefix.slice(9)}`;
const topics = new TopicNames(prefix);
const topic = topics.internal('records');
const kafka = new Kafka({ clientId: 'relay-it', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:39092').split(','), logLevel: logLevel.NOTHING });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('outbox relay: two relays, concurrent writers, sequence gaps', () => {
  let ds: DataSource;
  const publishers: EventPublisher[] = [];
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    await ensureDatabase(url);
    await ensureSchema(url, schema);
    ds = new DataSource({
      type: 'postgres', url, schema, entities: [ProcessedEvent, OutboxMessage], migrations: [InboxOutbox1732700000000],
      migrationsTableName: 'migrations', extra: { max: 24 }, logging: false,
    });
    await ds.initialize();
    await ds.runMigrations();
    await ensureTopics(kafka, [topic], 3);
    for (let i = 0; i < 2; i++) {
      const publisher = new EventPublisher(kafka, topics);
      publishers.push(publisher);
      relays.push(new OutboxRelay(ds, publisher));
    }
  });

  afterAll(async () => {
    for (const r of relays) await r.beforeApplicationShutdown();
    for (const p of publishers) await p.onApplicationShutdown();
    await ds?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds?.destroy();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('publishes every committed row once per relay pass, none rolled back, in id order per partition', async () => {
    const published: Array<{ partition: number; n: number; outboxId: number }> = [];
    const consumer = kafka.consumer({ groupId: `${prefix}-watch`, sessionTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const outboxId = Number(message.headers?.[HEADER.outboxId]?.toString().split(':')[1]);
        published.push({ partition, n: JSON.parse(message.value!.toString()).n, outboxId });
      },
    });

    for (const r of relays) r.onApplicationBootstrap();
    const committed = new Set<number>();
    const rolledBack = new Set<number>();
    let next = 0;
    const writer = async (w: number) => {
      for (let i = 0; i < 40; i++) {
        const n = next++;
        const rollback = (n * 7919) % 10 === 3; // ~10 %, deterministic
        try {
          await ds.transaction(async (m) => {
            await addToOutbox(m, [{ topic, key: `subject-${n % 12}`, headers: { 'event-id': `e-${n}` }, payload: { n, w } }]);
            // hold the transaction open a while: later ids commit first (sequence gaps)
            await sleep((n * 31) % 23);
            if (rollback) throw new Error('rolled back on purpose');
          });
          committed.add(n);
          relays[n % 2].kick();
        } catch {
          rolledBack.add(n);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));

    const deadline = Date.now() + 60_000;
    while (new Set(published.map((p) => p.n)).size < committed.size && Date.now() < deadline) await sleep(200);
    await sleep(1_000); // anything extra would show up now
    await consumer.disconnect();

    const publishedSet = new Set(published.map((p) => p.n));
    expect(rolledBack.size).toBeGreaterThan(0);
    expect([...committed].filter((n) => !publishedSet.has(n))).toEqual([]); // lost
    expect([...publishedSet].filter((n) => !committed.has(n))).toEqual([]); // published without a committed row
    expect(published.length).toBe(publishedSet.size); // no duplicates without a crash
    for (const p of [0, 1, 2]) {
      const ids = published.filter((x) => x.partition === p).map((x) => x.outboxId);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    }
    const [{ left }] = await ds.query(`SELECT count(*)::int AS left FROM "${schema}".outbox`);
    expect(left).toBe(0);
  });
});

/**
 * The Kafka transport on the real broker and database: handlers run once per event (inbox +
 * outbox in one transaction), retryable failures are retried, non-retryable ones and exhausted
 * retries are dead-lettered with provenance, and a poison message never blocks its partition.
 */
import { randomUUID } from 'node:crypto';
import { Controller, INestApplication, Injectable, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { baseEnvSchema, kinlinkConfigModule } from '@kinlink/config';
import { DomainError, INTERNAL_TOPICS, KinlinkEvent, newEvent, systemActor, TopicNames } from '@kinlink/contracts';
import { DatabaseModule } from '@kinlink/database';
import { eventually } from '@kinlink/testing';
import { bootstrapService, EventPublisher, KafkaModule, UnitOfWork } from './index';

jest.setTimeout(90_000);

const prefix = `it-${randomUUID().slice(0, 8)}`;
const schema = `kafka_it_${prefix.slice(3).replace(/-/g, '')}`;
// before the module classes below are declared: the config module reads the environment then
Object.assign(process.env, { TOPIC_PREFIX: prefix, AGENCIES: 'it-agency', LOG_LEVEL: 'silent', KAFKA_PARTITIONS: '1' });
const seen: string[] = [];
/** what the slice preparer was given, one entry per call (event ids) */
const prepared: string[][] = [];
const attempts = new Map<string, number>();

class NotAllowed extends DomainError<'not_allowed'> {
  readonly code = 'not_allowed' as const;
}

@Injectable()
class Effects {
  constructor(private readonly uow: UnitOfWork) {}
  async apply(e: KinlinkEvent) {
    const n = (attempts.get(e.eventId) ?? 0) + 1;
    attempts.set(e.eventId, n);
    const kind = (e.payload as { note?: string }).note;
    if (kind === 'poison') throw new NotAllowed('refused by the rules');
    if (kind === 'flaky' && n < 3) throw new Error('database hiccup');
    if (kind === 'broken') throw new Error('always fails');
    // the database restarting: more failures than maxAttempts, yet held rather than parked
    if (kind === 'db-restarting' && n < 8) throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    await this.uow.once('it', e.eventId, async (m) => {
      // `seen`: effects run (a slice rolled back runs its effects again); `effect` rows: effects committed
      seen.push(e.eventId);
      await m.query(`INSERT INTO "${schema}".effect (event_id, tx) VALUES ($1, txid_current())`, [e.eventId]);
      return { result: undefined, events: kind === 'echo' ? [event('echoed')] : [] };
    });
  }
}

@Controller()
class TestConsumer {
  constructor(private readonly effects: Effects) {}
  @EventPattern(INTERNAL_TOPICS.cases)
  on(@Payload() e: KinlinkEvent) {
    return this.effects.apply(e);
  }
}

@Module({
  imports: [
    kinlinkConfigModule(baseEnvSchema.extend({ HTTP_PORT: baseEnvSchema.shape.HTTP_PORT.default(0) })),
    DatabaseModule.forService({ schema, entities: [], migrations: [] }),
    KafkaModule.forService('it'),
  ],
  controllers: [TestConsumer],
  providers: [Effects],
})
class TestModule {}

const event = (note: string) => newEvent('command.rejected', {
  correlationId: randomUUID(), actor: systemActor('it'), subject: { type: 'case', id: randomUUID() },
  payload: { commandId: randomUUID(), code: 'x', rule: 'x', httpStatus: 409, note } as never,
});

describe('KafkaEventServer on the real broker', () => {
  let app: INestApplication;
  const dead: KafkaMessage[] = [];
  const kafka = new Kafka({ clientId: 'it', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:39092').split(','), logLevel: logLevel.NOTHING });
  const watcher = kafka.consumer({ groupId: `${prefix}-watch`, sessionTimeout: 6_000 });

  const db = new Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinlink' });
  const committed = async (ids: string[]) => (await db.query(
    `SELECT event_id, count(*)::int AS n, min(tx::text) AS tx FROM "${schema}".effect WHERE event_id = ANY($1) GROUP BY event_id`, [ids])).rows as Array<{ event_id: string; n: number; tx: string }>;

  beforeAll(async () => {
    await db.connect();
    await db.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await db.query(`CREATE TABLE "${schema}".effect (event_id text NOT NULL, tx bigint NOT NULL)`);
    app = await bootstrapService({
      service: 'it', module: TestModule, subscribe: [INTERNAL_TOPICS.cases],
      // best effort: a preparer that throws changes no outcome (the poison message's slices make it throw)
      prepareSlice: () => async (_pattern, messages) => {
        prepared.push(messages.map((m) => m.event?.eventId ?? '?'));
        if (messages.some((m) => (m.event?.payload as { note?: string } | undefined)?.note === 'poison')) throw new Error('preparer failed');
      },
    });
    await watcher.connect();
    await watcher.subscribe({ topic: new TopicNames(prefix).internal('dead-letter'), fromBeginning: true });
    await watcher.run({ eachMessage: async ({ message }) => { dead.push(message); } });
  });
  afterAll(async () => {
    await watcher.disconnect();
    await app?.close();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
  });

  it('handles each event once, retries transient failures, parks poison and keeps going', async () => {
    const publisher = app.get(EventPublisher);
    const ok1 = event('ok');
    const poison = event('poison');
    const flaky = event('flaky');
    const broken = event('broken');
    const ok2 = event('ok');
    const dbDown = event('db-restarting');
    // one partition: everything below is in order behind the poison message
    await publisher.publish([ok1, poison, flaky, broken, dbDown, ok2]);
    await publisher.publish([ok1, ok2]); // redelivery

    await eventually(() => expect(seen).toEqual(expect.arrayContaining([ok1.eventId, flaky.eventId, dbDown.eventId, ok2.eventId])), { timeoutMs: 60_000 });
    expect(seen.indexOf(dbDown.eventId)).toBeLessThan(seen.indexOf(ok2.eventId)); // held in place: order kept
    expect(attempts.get(dbDown.eventId)).toBe(8);
    await eventually(() => expect(dead).toHaveLength(2), { timeoutMs: 60_000 });
    // a handled event's inbox row commits with its batch slice, after the handler ran: wait for it
    await eventually(async () => {
      const once = await committed([ok1.eventId, ok2.eventId, flaky.eventId, dbDown.eventId, poison.eventId, broken.eventId]);
      expect(once.map((r) => [r.event_id, r.n]).sort()).toEqual([[ok1.eventId, 1], [ok2.eventId, 1], [flaky.eventId, 1], [dbDown.eventId, 1]].sort());
    }, { timeoutMs: 30_000 });
    expect(attempts.get(flaky.eventId)).toBe(3);
    expect(attempts.get(poison.eventId)).toBe(1);
    expect(attempts.get(broken.eventId)).toBe(5);

    const h = (m: KafkaMessage, k: string) => m.headers?.[k]?.toString();
    const byId = new Map(dead.map((m) => [h(m, 'event-id'), m]));
    expect(h(byId.get(poison.eventId)!, 'dlt-reason')).toBe('not_allowed');
    expect(h(byId.get(poison.eventId)!, 'dlt-attempts')).toBe('1');
    expect(h(byId.get(broken.eventId)!, 'dlt-reason')).toBe('retries_exhausted:unexpected_error');
    expect(h(byId.get(broken.eventId)!, 'dlt-original-topic')).toBe(new TopicNames(prefix).internal('cases'));
    expect(h(byId.get(broken.eventId)!, 'dlt-original-offset')).toMatch(/^\d+$/);
    expect(JSON.parse(byId.get(poison.eventId)!.value!.toString()).eventId).toBe(poison.eventId);
  });

  it('handles a large batch in few transactions: each event committed once and in order, a poison parked alone, redeliveries skipped', async () => {
    const publisher = app.get(EventPublisher);
    const before = dead.length;
    const first = Array.from({ length: 150 }, () => event('echo'));
    const poison = event('poison');
    const rest = Array.from({ length: 250 }, () => event('echo'));
    await publisher.publish([...first, poison, ...rest]);
    await publisher.publish([...first.slice(0, 50), ...rest.slice(100, 120)]); // redelivered
    const ids = [...first, ...rest].map((e) => e.eventId);
    await eventually(async () => expect(await committed(ids)).toHaveLength(ids.length), { timeoutMs: 60_000 });
    await eventually(() => expect(dead.length).toBe(before + 1), { timeoutMs: 30_000 });
    expect(dead.map((m) => m.headers?.['event-id']?.toString())).toContain(poison.eventId);
    const rows = await committed(ids);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(attempts.get(poison.eventId)).toBe(1);
    // every event was prepared with its slice (parsed once, before its handler), in few calls
    const preparedIds = new Set(prepared.flat());
    expect(ids.every((id) => preparedIds.has(id))).toBe(true);
    expect(prepared.filter((p) => p.some((id) => ids.includes(id))).length).toBeLessThan(ids.length / 10);
    // batched: far fewer transactions than events (slices of up to 200)
    const transactions = new Set(rows.map((r) => r.tx)).size;
    expect(transactions).toBeLessThan(ids.length / 10);
    // order kept within the partition: transaction ids rise along the stream
    const txOf = new Map(rows.map((r) => [r.event_id, BigInt(r.tx)]));
    const txs = ids.map((id) => txOf.get(id)!);
    expect(txs.every((t, i) => i === 0 || t >= txs[i - 1])).toBe(true);
    // the events the effects returned went out through the outbox, one per handled event
    const inbox = await db.query(`SELECT count(*)::int AS n FROM "${schema}".processed_event WHERE event_id = ANY($1)`, [ids]);
    expect(inbox.rows[0].n).toBe(ids.length);
    await eventually(async () => expect((await db.query(`SELECT count(*)::int AS n FROM "${schema}".outbox`)).rows[0].n).toBe(0), { timeoutMs: 30_000 });
  });
});

/**
 * Scale-out of matching on the real broker and database: the same record stream, published all
 * at once over 4 partitions, handled by one instance and then by two instances of one consumer
 * group (each with the replica feed, MATCHING_REPLICA_FEED=1). Two instances must propose exactly
 * the pairs one instance proposes — none missed although the two records of a true pair often
 * sit on partitions owned by different instances and arrive together — and no pair twice.
 */
import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { INTERNAL_TOPICS, KinlinkEvent, newEvent } from '@kinlink/contracts';
import type * as KafkaLib from '@kinlink/kafka';
import type * as PrivacyLib from '@kinlink/privacy';
import { sealRecord, SubjectCipher } from '@kinlink/privacy';
import { eventually, testDatabase, TopicWatcher, useServiceEnvironment, watchTopic } from '@kinlink/testing';
import { EventStream } from '../../../../bench/e2e/generator';

jest.setTimeout(240_000);


/** Record changes with true pairs among them (sealed per run: each run has its own key vault). */
interface RecordChange { type: 'child.registered' | 'tracing-request.filed'; ref: { id: string; agencyId: string; agencyRecordId: string; revision: number }; data: unknown }
function recordStream(n: number): RecordChange[] {
  const stream = new EventStream(4242, 'so');
  const out: RecordChange[] = [];
  while (out.length < n) {
    const ev = stream.nextBacklog();
    const e = JSON.parse(ev.value) as { agencyId: string; agencyRecordId: string; data: unknown };
    const type = ev.type === 'child.registered' ? 'child.registered' : 'tracing-request.filed';
    out.push({ type, ref: { id: randomUUID(), agencyId: e.agencyId, agencyRecordId: e.agencyRecordId, revision: 1 }, data: e.data });
  }
  return out;
}

/** The record events as the registry publishes them: each part sealed under the record's key, bound to the event id. */
async function sealed(cipher: SubjectCipher, changes: RecordChange[]): Promise<KinlinkEvent[]> {
  return Promise.all(changes.map(async ({ type, ref, data }) => {
    const eventId = randomUUID();
    const actor = { id: `agency:${ref.agencyId}`, role: 'agency' as const, agencyId: ref.agencyId };
    return type === 'child.registered'
      ? newEvent(type, { eventId, correlationId: ref.id, actor, subject: { type: 'child', id: ref.id }, payload: { ...ref, record: await sealRecord(cipher, 'child', ref.id, eventId, data as never) } })
      : newEvent(type, { eventId, correlationId: ref.id, actor, subject: { type: 'tracing-request', id: ref.id }, payload: { ...ref, request: await sealRecord(cipher, 'tracing-request', ref.id, eventId, data as never) } });
  }));
}

interface Outcome { pairs: string[]; proposedEvents: number; distinctProposalIds: number; handled: number; seconds: number }

/** Boots `instances` matching services on a fresh prefix and database, publishes `events`, and waits until every one was handled. */
async function runWith(instances: number, changes: RecordChange[], { backlogFirst = false } = {}): Promise<Outcome> {
  const testDb = testDatabase('so');
  const { prefix } = testDb;
  useServiceEnvironment(testDb, { KAFKA_PARTITIONS: '4', MATCHING_REPLICA_FEED: '1', KAFKA_BATCH_SLICE: '50' });
  const apps: INestApplication[] = [];
  let watcher: TopicWatcher | undefined;
  const proposed: KinlinkEvent[] = [];
  const db = new Client({ connectionString: testDb.url });
  // a fresh copy of the service's modules per run: the config module reads the environment when they load
  let module: unknown;
  let lib!: typeof KafkaLib;
  let privacy!: typeof PrivacyLib;
  jest.isolateModules(() => {
    module = require('../matching-service.module').MatchingServiceModule; // eslint-disable-line @typescript-eslint/no-require-imports
    lib = require('@kinlink/kafka'); // eslint-disable-line @typescript-eslint/no-require-imports
    privacy = require('@kinlink/privacy'); // eslint-disable-line @typescript-eslint/no-require-imports
  });
  try {
    const boot = (subscribe = [INTERNAL_TOPICS.records]) =>
      lib.bootstrapService({ service: 'matching', module: module as never, subscribe, partitionsConsumedConcurrently: 1 });
    // backlogFirst: the stream is on the topic before any instance starts (an instance without a
    // consumer publishes it); then all instances start at once — none of them has matched any of it
    const publisher = backlogFirst ? await boot([]) : undefined;
    if (publisher) apps.push(publisher);
    else for (let i = 0; i < instances; i++) apps.push(await boot());
    watcher = await watchTopic(prefix, 'matches', proposed);
    await db.connect();
    // both instances joined and own partitions before the stream starts
    if (instances > 1 && !backlogFirst) await new Promise((r) => setTimeout(r, 4_000));
    const events = await sealed(apps[0].get(privacy.SubjectCipher), changes);
    const started = Date.now();
    await apps[0].get(lib.EventPublisher).publish(events);
    if (backlogFirst) apps.push(...(await Promise.all(Array.from({ length: instances }, () => boot()))));
    await eventually(async () => {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM matching.processed_event`);
      expect(rows[0].n).toBe(events.length);
      const outbox = await db.query(`SELECT count(*)::int AS n FROM matching.outbox`);
      expect(outbox.rows[0].n).toBe(0);
    }, { timeoutMs: 180_000, intervalMs: 100 });
    const seconds = (Date.now() - started) / 1000;
    const pairs = (await db.query(`SELECT pair_key FROM matching.proposal WHERE status = 'open' ORDER BY pair_key`)).rows.map((r) => r.pair_key as string);
    await eventually(() => expect(new Set(proposed.filter((e) => e.type === 'match.proposed').map((e) => e.eventId)).size).toBeGreaterThanOrEqual(pairs.length), { timeoutMs: 30_000 });
    // the relay delivers at least once: a re-sent event (same event id) is not a second proposal
    const unique = [...new Map(proposed.filter((e) => e.type === 'match.proposed').map((e) => [e.eventId, e])).values()];
    const ids = unique.map((e) => (e.payload as { proposalId: string }).proposalId);
    return { pairs, proposedEvents: ids.length, distinctProposalIds: new Set(ids).size, handled: events.length, seconds };
  } finally {
    await watcher?.stop().catch(() => undefined);
    for (const app of apps) await app.close().catch(() => undefined);
    await db.end().catch(() => undefined);
    await testDb.drop();
  }
}

describe('matching scaled out (two instances, replica feed)', () => {
  it('proposes exactly what one instance proposes: no pair missed, none twice', async () => {
    const events = recordStream(400);
    const one = await runWith(1, events);
    const two = await runWith(2, events);
    expect(one.pairs.length).toBeGreaterThan(20); // the stream has true pairs to find
    expect(two.pairs).toEqual(one.pairs);
    // one proposal id per pair, each proposed once
    expect(two.distinctProposalIds).toBe(two.pairs.length);
    expect(two.proposedEvents).toBe(two.pairs.length);
    expect(one.proposedEvents).toBe(one.pairs.length);
    // two instances starting on a backlog no instance has matched yet: every replica must take it in
    const joined = await runWith(2, events, { backlogFirst: true });
    expect(joined.pairs).toEqual(one.pairs);
    expect(joined.distinctProposalIds).toBe(joined.pairs.length);
    // for the record (docs/performance.md): the same stream through one and two instances
    console.log(`scale-out: ${events.length} record events, ${one.pairs.length} pairs; 1 instance ${one.seconds.toFixed(1)} s, 2 instances ${two.seconds.toFixed(1)} s`);
  });
});

/**
 * Restart from a sealed snapshot of the candidate index, on the real broker and database: a
 * service with a snapshot boots from it, applies the rows changed after it, and answers as an
 * index loaded in full from the table; the file never holds names in clear; an erasure makes the
 * snapshot unreadable at once (its key destroyed, the file gone), a stale copy then falls back to
 * the full load, and the erased child is in neither index.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { ChildRegistration, INTERNAL_TOPICS, KinlinkEvent, newEvent, RecordRef, TracingRequestFiling } from '@kinlink/contracts';
import { bootstrapService, EventPublisher } from '@kinlink/kafka';
import { MatchingEngine, MatchRecord } from '@kinlink/matching-engine';
import { sealRecord, SUBJECT_KEY_STORE, SubjectCipher, SubjectKeyStore } from '@kinlink/privacy';
import { eventually, motherSearching, registeredBoy, testDatabase, TopicWatcher, useServiceEnvironment, watchTopic } from '@kinlink/testing';
import { CandidateIndex } from './candidate-index';
import { CandidateSnapshots } from './candidate-snapshots';
import { openProfile, StoredProfile } from './sealed-profile';
import { readSealedSnapshot, readSnapshotHeader, SnapshotUnusable, writeSealedSnapshot } from './sealed-snapshot-file';

jest.setTimeout(180_000);

const testDb = testDatabase('ms');
const { prefix } = testDb;
// no periodic writes: the test decides when a snapshot is taken (after a full load, on demand, at shutdown)
useServiceEnvironment(testDb, { KAFKA_PARTITIONS: '2', MATCHING_SNAPSHOT_INTERVAL_MS: '0', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MatchingServiceModule } = require('../matching-service.module');

const agency = (id: string) => ({ id: `agency:${id}`, role: 'agency' as const, agencyId: id });
type ChildRecordChanged = RecordRef & { revision: number; record: ChildRegistration };
type TracingRequestChanged = RecordRef & { revision: number; request: TracingRequestFiling };

const boot = (): Promise<INestApplication> =>
  bootstrapService({ service: 'matching', module: MatchingServiceModule, subscribe: [INTERNAL_TOPICS.records], partitionsConsumedConcurrently: 1 });

describe('matching restart from a sealed snapshot', () => {
  let app: INestApplication | undefined;
  let db: Client;
  let watcher: TopicWatcher | undefined;
  const proposals: KinlinkEvent[] = [];

  const cipher = () => app!.get(SubjectCipher);
  const childEvent = async (type: 'child.registered' | 'child.updated', { record, ...ref }: ChildRecordChanged) => {
    const eventId = randomUUID();
    return newEvent(type, { eventId, correlationId: randomUUID(), actor: agency('unhcr'), subject: { type: 'child', id: ref.id }, payload: { ...ref, record: await sealRecord(cipher(), 'child', ref.id, eventId, record) } });
  };
  const requestEvent = async ({ request, ...ref }: TracingRequestChanged) => {
    const eventId = randomUUID();
    return newEvent('tracing-request.filed', { eventId, correlationId: randomUUID(), actor: agency('icrc'), subject: { type: 'tracing-request', id: ref.id }, payload: { ...ref, request: await sealRecord(cipher(), 'tracing-request', ref.id, eventId, request) } });
  };
  /** a child and the request of the mother searching for him, names made distinct by `suffix` */
  const pair = (suffix: string, n: number) => ({
    child: { id: randomUUID(), agencyId: 'unhcr', agencyRecordId: `U-${n}`, revision: 1, record: registeredBoy(suffix) as never } as ChildRecordChanged,
    request: { id: randomUUID(), agencyId: 'icrc', agencyRecordId: `I-${n}`, revision: 1, request: motherSearching(suffix) as never } as TracingRequestChanged,
  });
  const publishPairs = async (pairs: Array<ReturnType<typeof pair>>) => {
    const events = [];
    for (const p of pairs) events.push(await childEvent('child.registered', p.child), await requestEvent(p.request));
    await app!.get(EventPublisher).publish(events);
  };
  const activeRows = async () => Number((await db.query('SELECT count(*)::int AS n FROM matching.candidate WHERE active')).rows[0].n);
  const proposedFor = (childId: string) => proposals.filter((e) => e.type === 'match.proposed' && (e as KinlinkEvent<'match.proposed'>).payload.left.id === childId);

  /** The index a full load from the table builds (what the service does without a snapshot). */
  const fullLoad = async (threshold: number): Promise<{ engine: MatchingEngine; profiles: MatchRecord[] }> => {
    const { rows } = await db.query<{ profile: StoredProfile }>('SELECT profile FROM matching.candidate WHERE active ORDER BY id');
    const engine = new MatchingEngine({ proposalThreshold: threshold });
    const profiles: MatchRecord[] = [];
    for (const r of rows) {
      const p = await openProfile(cipher(), r.profile);
      if (p) { engine.upsert(p); profiles.push(p); }
    }
    return { engine, profiles };
  };
  // every proposal above the threshold (no cut at a limit: equal scores tie-break on insertion order)
  const answers = (e: MatchingEngine, profiles: MatchRecord[]) =>
    profiles.map((p) => e.match(p, { limit: 1000 }).map((c) => `${c.otherId}|${c.kind}|${c.probability.toFixed(9)}`).sort());

  beforeAll(async () => {
    db = new Client({ connectionString: testDb.url });
    app = await boot();
    await db.connect();
    watcher = await watchTopic(prefix, 'matches', proposals);
  });
  afterAll(async () => {
    await watcher?.stop();
    await app?.close();
    await db?.end();
    await testDb.drop();
  });

  it('boots from the snapshot, applies the rows changed after it, and answers as a full load', async () => {
    const before = ['Ka', 'Lo', 'Mu', 'Ne', 'Po', 'Ri'].map((s, i) => pair(s, i));
    await publishPairs(before);
    await eventually(async () => expect(await activeRows()).toBe(12), { timeoutMs: 60_000 });
    const snapshots = app!.get(CandidateSnapshots);
    await snapshots.write('test');
    expect(existsSync(snapshots.file)).toBe(true);
    // sealed: no name of the index in clear anywhere in the file
    const bytes = readFileSync(snapshots.file);
    for (const name of ['MohammedKa', 'MuhamadKa', 'Amina', 'Aamina', 'Kismayo', 'Abdi', 'Cabdi']) expect(bytes.includes(Buffer.from(name))).toBe(false);
    const periodic = `${snapshots.file}.periodic`;
    copyFileSync(snapshots.file, periodic);

    // after the snapshot: new pairs, a closure, a material change
    const after = ['Sa', 'Tu'].map((s, i) => pair(s, 10 + i));
    await publishPairs(after);
    await app!.get(EventPublisher).publish([
      newEvent('child.closed', {
        correlationId: randomUUID(), actor: agency('unhcr'), subject: { type: 'child', id: before[0].child.id },
        payload: { id: before[0].child.id, agencyId: 'unhcr', agencyRecordId: 'U-0', revision: 2, closure: { reason: 'reunified' } },
      }),
      await childEvent('child.updated', { ...before[1].child, revision: 2, record: { ...before[1].child.record, name: { given: 'Warsame', family: 'Dirie' } } as never }),
    ]);
    // every change committed (the update is the last event of its partition, the closure of its own)
    await eventually(async () => {
      const { rows } = await db.query('SELECT id, active, revision FROM matching.candidate WHERE id = ANY($1::text[]) ORDER BY active', [[before[0].child.id, before[1].child.id]]);
      expect(rows).toEqual([{ id: before[0].child.id, active: false, revision: 2 }, { id: before[1].child.id, active: true, revision: 2 }]);
      expect(await activeRows()).toBe(15);
    }, { timeoutMs: 60_000 });
    await eventually(() => expect(proposedFor(after[1].child.id).length).toBeGreaterThan(0), { timeoutMs: 30_000 });

    // a crash after the periodic snapshot: the file on disk is the one written before the changes
    await app!.close();
    app = undefined;
    copyFileSync(periodic, snapshots.file);
    app = await boot();
    const index = app.get(CandidateIndex);
    // 2 pairs, a closure and an update after the snapshot: 6 rows changed
    expect(index.boot).toMatchObject({ from: 'snapshot', caughtUp: 6, erased: 0 });
    const restored = index.engine;
    expect(restored.has(after[0].child.id)).toBe(true); // caught up
    expect(restored.has(before[0].child.id)).toBe(false); // closed after the snapshot
    const threshold = restored.threshold;
    const full = await fullLoad(threshold);
    expect(restored.size).toEqual(full.engine.size);
    const expected = answers(full.engine, full.profiles);
    expect(expected.flat().length).toBeGreaterThan(5);
    expect(answers(restored, full.profiles)).toEqual(expected);
    // the child updated after the snapshot is held in his new version
    expect(restored.searchByName({ name: 'Warsame Dirie', side: 'child' }, { limit: 1 })[0].id).toBe(before[1].child.id);

    // and the service proposes from it: a record arriving now meets one the catch-up applied
    const late = pair('Sa', 20);
    await app.get(EventPublisher).publish([await childEvent('child.registered', late.child)]);
    await eventually(() => {
      const p = proposedFor(late.child.id).map((e) => (e as KinlinkEvent<'match.proposed'>).payload.right.id);
      expect(p).toContain(after[0].request.id);
    }, { timeoutMs: 30_000 });
  });

  it('an erasure shreds the snapshot at once; a stale copy is ignored and the erased child is in no restored index', async () => {
    const snapshots = app!.get(CandidateSnapshots);
    const victim = pair('Vo', 30);
    await publishPairs([victim]);
    await eventually(() => expect(app!.get(CandidateIndex).engine.has(victim.child.id)).toBe(true), { timeoutMs: 30_000 });
    await snapshots.write('test');
    const stale = `${snapshots.file}.stale`;
    copyFileSync(snapshots.file, stale);
    const staleKey = (await readSnapshotHeader(stale)).keySubject;

    const shreds = snapshots.shreds;
    // what the registry does in its erasure transaction, then the event
    expect(await app!.get<SubjectKeyStore>(SUBJECT_KEY_STORE).destroy(victim.child.id, 'subject_request')).toBe(true);
    await app!.get(EventPublisher).publish([newEvent('subject.erased', {
      correlationId: randomUUID(), actor: agency('unhcr'), subject: { type: 'child', id: victim.child.id },
      payload: { subject: { type: 'child', id: victim.child.id }, agencyId: 'unhcr', agencyRecordId: 'U-30', reasonCode: 'subject_request' },
    })]);
    await eventually(async () => {
      expect(existsSync(snapshots.file)).toBe(false);
      expect(app!.get(CandidateIndex).engine.has(victim.child.id)).toBe(false);
      expect((await db.query('SELECT active FROM matching.candidate WHERE id = $1', [victim.child.id])).rows).toEqual([{ active: false }]);
      // shredded when the event arrived and again once the records left the index
      expect(snapshots.shreds).toBe(shreds + 2);
    }, { timeoutMs: 30_000 });
    // the copy is unreadable: its key is gone from the vault
    const keys = app!.get<SubjectKeyStore>(SUBJECT_KEY_STORE);
    await expect(keys.find(staleKey)).rejects.toThrow(/erased/);
    await expect(readSealedSnapshot(stale, async (h) => (await keys.find(h.keySubject).catch(() => undefined))?.dek))
      .rejects.toMatchObject({ reason: 'key-gone' } satisfies Partial<SnapshotUnusable>);

    // shutdown writes a new snapshot under a new key; it does not hold the erased child
    await app!.close();
    app = undefined;
    expect(existsSync(snapshots.file)).toBe(true);
    const fresh = await readSnapshotHeader(snapshots.file);
    expect(fresh.keySubject).not.toBe(staleKey);
    app = await boot();
    expect(app.get(CandidateIndex).boot).toMatchObject({ from: 'snapshot', caughtUp: 0 });
    expect(app.get(CandidateIndex).engine.has(victim.child.id)).toBe(false);
    const full = await fullLoad(app.get(CandidateIndex).engine.threshold);
    expect(app.get(CandidateIndex).engine.size).toEqual(full.engine.size);

    // the stale copy put back (a backup, say): its key is gone, so the full load runs — no crash
    await app.close();
    app = undefined;
    copyFileSync(stale, snapshots.file);
    app = await boot();
    expect(app.get(CandidateIndex).boot?.from).toBe('table');
    const engine = app.get(CandidateIndex).engine;
    expect(engine.has(victim.child.id)).toBe(false);
    expect(engine.size).toEqual(full.engine.size);
    expect(existsSync(snapshots.file) ? (await readSnapshotHeader(snapshots.file)).keySubject : undefined).not.toBe(staleKey);

    // erased while matching was down (key destroyed, the event not consumed yet): dropped at boot, snapshot shredded
    const other = pair('Wu', 31);
    await publishPairs([other]);
    await eventually(async () => expect((await db.query('SELECT 1 FROM matching.candidate WHERE id = $1 AND active', [other.child.id])).rowCount).toBe(1), { timeoutMs: 30_000 });
    await app.get(CandidateSnapshots).write('test');
    await app.close();
    app = undefined;
    const held = await readSnapshotHeader(snapshots.file);
    // the snapshot holds the child (his row is at or below its high-water mark)
    const { rows: [{ seq }] } = await db.query('SELECT change_seq::text AS seq FROM matching.candidate WHERE id = $1', [other.child.id]);
    expect(BigInt(held.hwm)).toBeGreaterThanOrEqual(BigInt(seq));
    await db.query(`INSERT INTO key_vault.erased_subject (subject_id, reason_code) VALUES ($1, 'subject_request')`, [other.child.id]);
    await db.query('DELETE FROM key_vault.subject_key WHERE subject_id = $1', [other.child.id]);
    app = await boot();
    expect(app.get(CandidateIndex).boot).toMatchObject({ from: 'snapshot', erased: 1 });
    expect(app.get(CandidateIndex).engine.has(other.child.id)).toBe(false);
    await expect(app.get<SubjectKeyStore>(SUBJECT_KEY_STORE).find(held.keySubject)).rejects.toThrow(/erased/);
  });

  it('a snapshot of another engine format or model version is ignored and the full load runs', async () => {
    const snapshots = app!.get(CandidateSnapshots);
    await snapshots.write('test');
    const keys = app!.get<SubjectKeyStore>(SUBJECT_KEY_STORE);
    const size = app!.get(CandidateIndex).engine.size;
    const dek = (await keys.find((await readSnapshotHeader(snapshots.file)).keySubject))!.dek;
    await app!.close();
    app = undefined;
    // a valid, authenticated snapshot written by a (hypothetical) other engine version, under the live key
    const { header, snapshot } = await readSealedSnapshot(snapshots.file, async () => dek);
    for (const other of [{ ...snapshot, formatVersion: snapshot.formatVersion + 1 }, { ...snapshot, modelVersion: 'kinlink-fs-0.0.0' }]) {
      await writeSealedSnapshot(snapshots.file, { ...other, chunks: other.chunks.map((c) => ({ ...c })) }, header, dek);
      app = await boot();
      expect(app.get(CandidateIndex).boot?.from).toBe('table');
      expect(app.get(CandidateIndex).engine.size).toEqual(size);
      await app.close();
      app = undefined;
    }
    app = await boot();
    expect(app.get(CandidateIndex).boot?.from).toBe('snapshot');
  });
});

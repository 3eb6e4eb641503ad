/**
 * The matching service in-process on the real broker and database: a record arriving is matched
 * against the other side at once; an unchanged re-delivery or re-send proposes nothing new; a
 * material change re-proposes the pair (new fingerprint); a closure withdraws it. Records arrive
 * sealed; proposals carry the compared values sealed, the candidate table keeps profiles sealed;
 * an erasure drops the record from the index and withdraws its proposals.
 */
import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { ChildRegistration, INTERNAL_TOPICS, KinlinkEvent, newEvent, RecordRef, TracingRequestFiling } from '@kinlink/contracts';
import { bootstrapService, EventPublisher } from '@kinlink/kafka';
import { sealRecord, SUBJECT_KEY_STORE, SubjectCipher, SubjectKeyStore } from '@kinlink/privacy';
import { eventually, motherSearching, registeredBoy, testDatabase, TopicWatcher, useServiceEnvironment, watchTopic } from '@kinlink/testing';

jest.setTimeout(90_000);

const testDb = testDatabase('m');
const { prefix } = testDb;
// before the service module is loaded: its config module reads the environment then
useServiceEnvironment(testDb, { KAFKA_PARTITIONS: '2' });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MatchingServiceModule } = require('../matching-service.module');

const agency = (id: string) => ({ id: `agency:${id}`, role: 'agency' as const, agencyId: id });
type ChildRecordChanged = RecordRef & { revision: number; record: ChildRegistration };
type TracingRequestChanged = RecordRef & { revision: number; request: TracingRequestFiling };
let cipher: SubjectCipher;
/** A record event as the registry publishes it: each part sealed under the record's key, bound to the event id. */
const childEvent = async (type: 'child.registered' | 'child.updated', { record, ...ref }: ChildRecordChanged) => {
  const eventId = randomUUID();
  return newEvent(type, { eventId, correlationId: randomUUID(), actor: agency('unhcr'), subject: { type: 'child', id: ref.id }, payload: { ...ref, record: await sealRecord(cipher, 'child', ref.id, eventId, record) } });
};
const requestEvent = async ({ request, ...ref }: TracingRequestChanged) => {
  const eventId = randomUUID();
  return newEvent('tracing-request.filed', { eventId, correlationId: randomUUID(), actor: agency('icrc'), subject: { type: 'tracing-request', id: ref.id }, payload: { ...ref, request: await sealRecord(cipher, 'tracing-request', ref.id, eventId, request) } });
};

describe('matching service', () => {
  let app: INestApplication;
  const proposals: KinlinkEvent[] = [];
  let watcher: TopicWatcher | undefined;

  beforeAll(async () => {
    app = await bootstrapService({ service: 'matching', module: MatchingServiceModule, subscribe: [INTERNAL_TOPICS.records], partitionsConsumedConcurrently: 1 });
    cipher = app.get(SubjectCipher);
    watcher = await watchTopic(prefix, 'matches', proposals);
  });
  afterAll(async () => {
    await watcher?.stop();
    await app?.close();
    await testDb.drop();
  });

  it('proposes on arrival, stays quiet on repeats, re-proposes on change, withdraws on closure', async () => {
    const publisher = app.get(EventPublisher);
    const child: ChildRecordChanged = { id: randomUUID(), agencyId: 'unhcr', agencyRecordId: 'U-1', revision: 1, record: registeredBoy() as never };
    const request: TracingRequestChanged = { id: randomUUID(), agencyId: 'icrc', agencyRecordId: 'I-1', revision: 1, request: motherSearching() as never };
    const registered = await childEvent('child.registered', child);
    await publisher.publish([registered, await requestEvent(request)]);

    const first = await eventually(() => {
      const p = proposals.filter((e) => e.type === 'match.proposed');
      expect(p).toHaveLength(1);
      return p[0] as KinlinkEvent<'match.proposed'>;
    }, { timeoutMs: 30_000 });
    expect(first.payload.kind).toBe('child-sought');
    expect(first.payload.left).toEqual({ type: 'child', id: child.id, agencyId: 'unhcr', safeguardingLevel: 'none' });
    expect(first.payload.right).toEqual({ type: 'sought-child', id: request.id, ref: 'c1', agencyId: 'icrc' });
    expect(first.payload.probability).toBeGreaterThan(0.5);
    const weights = first.payload.explanation.reduce((sum, f) => sum + f.weight, 0);
    expect(weights).toBeCloseTo(first.payload.score, 6);
    expect(first.payload.modelVersion).toBeTruthy();
    // the compared values travel sealed, each side under its own record's key
    expect(JSON.stringify(first)).not.toMatch(/Mohammed|Muhamad|Cabdi|Abdi|Amina|Aamina/);
    expect(first.payload.values?.left?.subjectId).toBeDefined();
    const leftValues = await cipher.open(first.payload.values!.left!.subjectId, first.eventId, { 'explanation.left': first.payload.values!.left!.sealed });
    expect(JSON.stringify(leftValues)).toMatch(/Mohammed|Muhamad/);

    // redelivery of the same event, then a re-send of the same content as a new revision: nothing new
    await publisher.publish([registered, await childEvent('child.updated', { ...child, revision: 2 })]);
    // a material change: re-proposed with a new fingerprint, same proposal id
    await publisher.publish([await childEvent('child.updated', { ...child, revision: 3, record: { ...child.record, dateOfBirth: '2016-03' } })]);
    const second = await eventually(() => {
      const p = proposals.filter((e) => e.type === 'match.proposed');
      expect(p).toHaveLength(2);
      return p[1] as KinlinkEvent<'match.proposed'>;
    });
    expect(second.payload.proposalId).toBe(first.payload.proposalId);
    expect(second.payload.fingerprint).not.toBe(first.payload.fingerprint);

    await publisher.publish([newEvent('child.closed', {
      correlationId: randomUUID(), actor: agency('unhcr'), subject: { type: 'child', id: child.id },
      payload: { id: child.id, agencyId: 'unhcr', agencyRecordId: 'U-1', revision: 4, closure: { reason: 'reunified' } },
    })]);
    const withdrawn = await eventually(() => {
      const w = proposals.filter((e) => e.type === 'match.withdrawn');
      expect(w).toHaveLength(1);
      return w[0] as KinlinkEvent<'match.withdrawn'>;
    });
    expect(withdrawn.payload).toEqual({ proposalId: first.payload.proposalId, reason: 'record_closed' });
    expect(proposals.filter((e) => e.type === 'match.proposed')).toHaveLength(2);
  });

  it('keeps profiles sealed at rest; an erased record leaves the index and its proposals are withdrawn', async () => {
    const publisher = app.get(EventPublisher);
    const child: ChildRecordChanged = { id: randomUUID(), agencyId: 'unhcr', agencyRecordId: 'U-2', revision: 1, record: registeredBoy('Zz') as never };
    const request: TracingRequestChanged = { id: randomUUID(), agencyId: 'icrc', agencyRecordId: 'I-2', revision: 1, request: motherSearching('Zz') as never };
    await publisher.publish([await childEvent('child.registered', child), await requestEvent(request)]);
    const proposal = await eventually(() => {
      const p = proposals.find((e) => e.type === 'match.proposed' && (e as KinlinkEvent<'match.proposed'>).payload.left.id === child.id);
      expect(p).toBeDefined();
      return p as KinlinkEvent<'match.proposed'>;
    }, { timeoutMs: 30_000 });

    const db = new Client({ connectionString: testDb.url });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT profile::text AS p FROM matching.candidate WHERE record_id = ANY($1::uuid[])', [[child.id, request.id]]);
      expect(rows.length).toBe(2);
      for (const r of rows) expect(r.p).not.toMatch(/MohammedZz|MuhamadZz|Cabdi|Amina|Aamina|Hassan/);

      // what the registry does in its erasure transaction
      expect(await app.get<SubjectKeyStore>(SUBJECT_KEY_STORE).destroy(child.id, 'subject_request')).toBe(true);
      await publisher.publish([newEvent('subject.erased', {
        correlationId: randomUUID(), actor: agency('unhcr'), subject: { type: 'child', id: child.id },
        payload: { subject: { type: 'child', id: child.id }, agencyId: 'unhcr', agencyRecordId: 'U-2', reasonCode: 'subject_request' },
      })]);
      const withdrawn = await eventually(() => {
        const w = proposals.find((e) => e.type === 'match.withdrawn' && (e as KinlinkEvent<'match.withdrawn'>).payload.proposalId === proposal.payload.proposalId);
        expect(w).toBeDefined();
        return w as KinlinkEvent<'match.withdrawn'>;
      });
      expect(withdrawn.payload.reason).toBe('record_erased');
      const { rows: after } = await db.query('SELECT active, profile FROM matching.candidate WHERE record_id = $1', [child.id]);
      expect(after).toEqual([{ active: false, profile: { id: child.id, side: 'child', agencyId: 'unhcr' } }]);
    } finally {
      await db.end();
    }
  });
});

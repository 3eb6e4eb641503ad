/**
 * Re-scoring on the real broker and database: a look-alike arriving after a pair was proposed
 * lowers the open proposal's probability (`match.rescored`, row updated, status untouched); its
 * redelivery changes nothing; once it closes, the proposal it was keeping down rises again. A rival
 * that changes away, comes back, or is erased moves the proposal the same way.
 */
import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { ChildRegistration, INTERNAL_TOPICS, KinlinkEvent, newEvent, RecordRef, TracingRequestFiling } from '@kinlink/contracts';
import { bootstrapService, EventPublisher } from '@kinlink/kafka';
import { sealRecord, SUBJECT_KEY_STORE, SubjectCipher, SubjectKeyStore } from '@kinlink/privacy';
import { eventually, motherSearching, registeredBoy, testDatabase, TopicWatcher, useServiceEnvironment, watchTopic } from '@kinlink/testing';

jest.setTimeout(90_000);

const testDb = testDatabase('mr');
const { prefix } = testDb;
useServiceEnvironment(testDb, { KAFKA_PARTITIONS: '2' });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MatchingServiceModule } = require('../matching-service.module');

const agency = (id: string) => ({ id: `agency:${id}`, role: 'agency' as const, agencyId: id });
type ChildRecordChanged = RecordRef & { revision: number; record: ChildRegistration };
let cipher: SubjectCipher;
const childEvent = async ({ record, ...ref }: ChildRecordChanged, type: 'child.registered' | 'child.updated' = 'child.registered') => {
  const eventId = randomUUID();
  return newEvent(type, { eventId, correlationId: randomUUID(), actor: agency('unhcr'), subject: { type: 'child', id: ref.id }, payload: { ...ref, record: await sealRecord(cipher, 'child', ref.id, eventId, record) } });
};
/** a neighbour looking for a boy by name and age only (no parents, place or separation given) */
function neighbourSearching(): TracingRequestFiling {
  const r = motherSearching() as unknown as TracingRequestFiling;
  return {
    ...r, inquirer: { name: { given: 'Faarax', family: 'Warsame' }, relation: 'other', sex: 'male' } as never,
    soughtChildren: [{ ...r.soughtChildren[0], family: undefined, placeOfOrigin: undefined, separation: undefined }],
  };
}
/** another boy of that name and age, from another town and family: as good a fit for the neighbour's request */
function secondBoy(): ChildRegistration {
  return {
    ...(registeredBoy() as unknown as ChildRegistration), name: { given: 'Mohammed', family: 'Abdi' }, dateOfBirth: '2015-11-05',
    placeOfOrigin: { text: 'Baidoa', pcode: 'SO2401', country: 'SO' }, separation: undefined,
    family: { mother: { name: { given: 'Hodan', family: 'Farah' } }, father: { name: { given: 'Abdi', family: 'Jama' } } },
  } as ChildRegistration;
}

const fileRequest = async (requestId: string, agencyRecordId: string) => {
  const eventId = randomUUID();
  return newEvent('tracing-request.filed', {
    eventId, correlationId: randomUUID(), actor: agency('icrc'), subject: { type: 'tracing-request', id: requestId },
    payload: { id: requestId, agencyId: 'icrc', agencyRecordId, revision: 1, request: await sealRecord(cipher, 'tracing-request', requestId, eventId, neighbourSearching()) },
  });
};
const closeChild = (id: string, agencyRecordId: string, revision: number) => newEvent('child.closed', {
  correlationId: randomUUID(), actor: agency('unhcr'), subject: { type: 'child', id },
  payload: { id, agencyId: 'unhcr', agencyRecordId, revision, closure: { reason: 'reunified' } },
});

describe('matching service: re-scoring open proposals', () => {
  let app: INestApplication;
  const seen: KinlinkEvent[] = [];
  let watcher: TopicWatcher | undefined;
  const ofType = <T extends 'match.proposed' | 'match.rescored' | 'match.withdrawn'>(type: T) => seen.filter((e) => e.type === type) as Array<KinlinkEvent<T>>;

  beforeAll(async () => {
    app = await bootstrapService({ service: 'matching', module: MatchingServiceModule, subscribe: [INTERNAL_TOPICS.records], partitionsConsumedConcurrently: 1 });
    cipher = app.get(SubjectCipher);
    watcher = await watchTopic(prefix, 'matches', seen);
  });
  afterAll(async () => {
    await watcher?.stop();
    await app?.close();
    await testDb.drop();
  });

  it('a look-alike arriving later lowers the open proposal, once; when it closes the proposal rises again', async () => {
    const publisher = app.get(EventPublisher);
    const first: ChildRecordChanged = { id: randomUUID(), agencyId: 'unhcr', agencyRecordId: 'U-1', revision: 1, record: registeredBoy() as never };
    const requestId = randomUUID();
    await publisher.publish([await childEvent(first), await fileRequest(requestId, 'I-1')]);
    const proposed = await eventually(() => {
      const p = ofType('match.proposed');
      expect(p).toHaveLength(1);
      return p[0];
    }, { timeoutMs: 30_000 });
    expect(proposed.payload.left.id).toBe(first.id);
    const p1 = proposed.payload.probability;
    expect(p1).toBeGreaterThan(0.5);

    const second: ChildRecordChanged = { id: randomUUID(), agencyId: 'unhcr', agencyRecordId: 'U-2', revision: 1, record: secondBoy() };
    const arrived = await childEvent(second);
    await publisher.publish([arrived]);
    const lowered = await eventually(() => {
      const r = ofType('match.rescored');
      expect(r).toHaveLength(1);
      return r[0];
    });
    const p = lowered.payload;
    expect(p).toMatchObject({ proposalId: proposed.payload.proposalId, kind: 'child-sought', previousProbability: p1, fingerprint: proposed.payload.fingerprint, reason: 'rival_arrived', causedBy: second.id });
    expect(p.probability).toBeLessThan(p1 - 0.05);
    expect(p.explanation.find((f) => f.field === 'competing-candidates')?.note).toContain('rival candidates');
    expect(p.explanation.reduce((a, f) => a + f.weight, 0)).toBeCloseTo(p.score, 6);
    expect(lowered.subject).toEqual({ type: 'proposal', id: p.proposalId });
    expect(lowered.causationId).toBe(arrived.eventId);
    // the compared values travel sealed, as in match.proposed, bound to this event
    expect(JSON.stringify(lowered)).not.toMatch(/Mohammed|Muhamad|Cabdi|Abdi/);
    const opened = await cipher.open(p.values!.right!.subjectId, lowered.eventId, { 'explanation.right': p.values!.right!.sealed });
    expect(JSON.stringify(opened)).toMatch(/Mohammed|Muhamad/);

    const db = new Client({ connectionString: testDb.url });
    await db.connect();
    try {
      const row = async () => (await db.query('SELECT probability, status, scored_from FROM matching.proposal WHERE id = $1', [p.proposalId])).rows[0];
      // scored again from the record it was proposed from (whichever of the two was matched second)
      expect(await row()).toEqual({ probability: p.probability, status: 'open', scored_from: expect.any(String) });
      expect([first.id, `${requestId}#c1`]).toContain((await row()).scored_from);
      expect(p.values!.left!.subjectId).toBe((await row()).scored_from.split('#')[0]);

      // a redelivery of the look-alike changes nothing; its closure (same key, after it) lets the proposal rise again
      await publisher.publish([arrived, closeChild(second.id, 'U-2', 2)]);
      const raised = await eventually(() => {
        const r = ofType('match.rescored');
        expect(r).toHaveLength(2);
        return r[1];
      });
      expect(raised.payload).toMatchObject({ proposalId: p.proposalId, previousProbability: p.probability, reason: 'rival_left', causedBy: second.id });
      expect(raised.payload.probability).toBeCloseTo(p1, 9);
      expect((await row()).probability).toBeCloseTo(p1, 9);
      expect(ofType('match.proposed').filter((e) => e.payload.proposalId === p.proposalId)).toHaveLength(1);
      expect(ofType('match.withdrawn').map((e) => e.payload.proposalId)).not.toContain(p.proposalId);
      expect(ofType('match.rescored')).toHaveLength(2);

      // the next test's records look like these: this pair leaves
      await publisher.publish([closeChild(first.id, 'U-1', 2), newEvent('tracing-request.closed', {
        correlationId: randomUUID(), actor: agency('icrc'), subject: { type: 'tracing-request', id: requestId },
        payload: { id: requestId, agencyId: 'icrc', agencyRecordId: 'I-1', revision: 2, closure: { reason: 'withdrawn' } },
      })]);
      await eventually(async () => {
        const { rows } = await db.query('SELECT count(*)::int AS n FROM matching.candidate WHERE record_id = ANY($1::uuid[]) AND active', [[first.id, requestId]]);
        expect(rows[0].n).toBe(0);
      });
    } finally {
      await db.end();
    }
  });

  it('a rival that changes away, comes back or is erased moves the proposal too', async () => {
    const publisher = app.get(EventPublisher);
    const rescoredOf = (proposalId: string) => ofType('match.rescored').filter((e) => e.payload.proposalId === proposalId);
    const first: ChildRecordChanged = { id: randomUUID(), agencyId: 'unhcr', agencyRecordId: 'U-3', revision: 1, record: registeredBoy() as never };
    const requestId = randomUUID();
    await publisher.publish([await childEvent(first), await fileRequest(requestId, 'I-3')]);
    const proposed = await eventually(() => {
      const found = ofType('match.proposed').find((e) => e.payload.left.id === first.id && e.payload.right.id === requestId);
      expect(found).toBeDefined();
      return found!;
    }, { timeoutMs: 30_000 });
    const p1 = proposed.payload.probability;
    const id = proposed.payload.proposalId;

    const second: ChildRecordChanged = { id: randomUUID(), agencyId: 'unhcr', agencyRecordId: 'U-4', revision: 1, record: secondBoy() };
    await publisher.publish([await childEvent(second)]);
    const lowered = await eventually(() => { expect(rescoredOf(id)).toHaveLength(1); return rescoredOf(id)[0].payload; });
    expect(lowered).toMatchObject({ reason: 'rival_arrived', causedBy: second.id, previousProbability: p1 });

    // the second boy's record is corrected: another name and father, no longer a look-alike (a father
    // named Abdi would still make him a weak rival of "Mohammed Abdi": patronymic naming, FY keys)
    const corrected = {
      ...secondBoy(), name: { given: 'Yusuf', family: 'Jama' },
      family: { mother: { name: { given: 'Hodan', family: 'Farah' } }, father: { name: { given: 'Warsame', family: 'Jama' } } },
    } as ChildRegistration;
    await publisher.publish([await childEvent({ ...second, revision: 2, record: corrected }, 'child.updated')]);
    const raised = await eventually(() => { expect(rescoredOf(id)).toHaveLength(2); return rescoredOf(id)[1].payload; });
    expect(raised).toMatchObject({ reason: 'rival_left', causedBy: second.id, previousProbability: lowered.probability });
    expect(raised.probability).toBeCloseTo(p1, 9);

    // and back: a look-alike again
    await publisher.publish([await childEvent({ ...second, revision: 3, record: secondBoy() }, 'child.updated')]);
    const again = await eventually(() => { expect(rescoredOf(id)).toHaveLength(3); return rescoredOf(id)[2].payload; });
    expect(again).toMatchObject({ reason: 'rival_arrived', causedBy: second.id });
    expect(again.probability).toBeCloseTo(lowered.probability, 9);

    // erased (what the registry does in its erasure transaction, then the event): it leaves the index
    expect(await app.get<SubjectKeyStore>(SUBJECT_KEY_STORE).destroy(second.id, 'subject_request')).toBe(true);
    await publisher.publish([newEvent('subject.erased', {
      correlationId: randomUUID(), actor: agency('unhcr'), subject: { type: 'child', id: second.id },
      payload: { subject: { type: 'child', id: second.id }, agencyId: 'unhcr', agencyRecordId: 'U-4', reasonCode: 'subject_request' },
    })]);
    const erased = await eventually(() => { expect(rescoredOf(id)).toHaveLength(4); return rescoredOf(id)[3].payload; });
    expect(erased).toMatchObject({ reason: 'rival_left', causedBy: second.id });
    expect(erased.probability).toBeCloseTo(p1, 9);
    // the proposal was never re-proposed nor withdrawn by any of it
    expect(ofType('match.proposed').filter((e) => e.payload.proposalId === id)).toHaveLength(1);
    expect(ofType('match.withdrawn').map((e) => e.payload.proposalId)).not.toContain(id);
  });
});

/**
 * A deployment's own match model (MATCHING_MODEL_FILE), on the real broker and database: the
 * service builds its index with the model read at boot, and its proposals carry that model's
 * version (in the event and in the proposal table), so a coordinator and an auditor can tell which
 * model proposed a pair.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { INTERNAL_TOPICS, KinlinkEvent, newEvent } from '@kinlink/contracts';
import { bootstrapService, EventPublisher } from '@kinlink/kafka';
import { DEFAULT_MODEL_JSON } from '@kinlink/matching-engine';
import { sealRecord, SubjectCipher } from '@kinlink/privacy';
import { eventually, motherSearching, registeredBoy, testDatabase, TopicWatcher, useServiceEnvironment, watchTopic } from '@kinlink/testing';
import { CandidateIndex } from './candidate-index';

jest.setTimeout(120_000);

const SITE_MODEL = 'site-test-2027.1';
const modelFile = path.join(mkdtempSync(path.join(tmpdir(), 'kinlink-model-')), 'site-model.json');
writeFileSync(modelFile, JSON.stringify({ ...DEFAULT_MODEL_JSON, modelVersion: SITE_MODEL }));

const testDb = testDatabase('mm');
useServiceEnvironment(testDb, { KAFKA_PARTITIONS: '1', MATCHING_SNAPSHOT: '0', MATCHING_MODEL_FILE: modelFile, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MatchingServiceModule } = require('../matching-service.module');

const agency = (id: string) => ({ id: `agency:${id}`, role: 'agency' as const, agencyId: id });

describe('matching with a deployment’s own model file', () => {
  let app: INestApplication | undefined;
  let db: Client;
  let watcher: TopicWatcher | undefined;
  const proposals: KinlinkEvent[] = [];

  beforeAll(async () => {
    db = new Client({ connectionString: testDb.url });
    app = await bootstrapService({ service: 'matching', module: MatchingServiceModule, subscribe: [INTERNAL_TOPICS.records] });
    await db.connect();
    watcher = await watchTopic(testDb.prefix, 'matches', proposals);
  });
  afterAll(async () => {
    await watcher?.stop();
    await app?.close();
    await db?.end();
    await testDb.drop();
  });

  it('builds the index with the model read at boot; proposals carry its version', async () => {
    expect(app!.get(CandidateIndex).engine.modelVersion).toBe(SITE_MODEL);
    const cipher = app!.get(SubjectCipher);
    const childId = randomUUID(), requestId = randomUUID();
    const childEventId = randomUUID(), requestEventId = randomUUID();
    await app!.get(EventPublisher).publish([
      newEvent('child.registered', {
        eventId: childEventId, correlationId: randomUUID(), actor: agency('unhcr'), subject: { type: 'child', id: childId },
        payload: { id: childId, agencyId: 'unhcr', agencyRecordId: 'U-1', revision: 1, record: await sealRecord(cipher, 'child', childId, childEventId, registeredBoy('Mo')) },
      }),
      newEvent('tracing-request.filed', {
        eventId: requestEventId, correlationId: randomUUID(), actor: agency('icrc'), subject: { type: 'tracing-request', id: requestId },
        payload: { id: requestId, agencyId: 'icrc', agencyRecordId: 'I-1', revision: 1, request: await sealRecord(cipher, 'tracing-request', requestId, requestEventId, motherSearching('Mo')) },
      }),
    ]);
    const proposed = () => proposals.filter((e) => e.type === 'match.proposed').map((e) => e as KinlinkEvent<'match.proposed'>).filter((e) => e.payload.left.id === childId);
    await eventually(() => expect(proposed().length).toBeGreaterThan(0), { timeoutMs: 60_000 });
    expect(proposed().map((e) => e.payload.modelVersion)).toEqual(proposed().map(() => SITE_MODEL));
    const { rows } = await db.query('SELECT DISTINCT model_version FROM matching.proposal WHERE left_id = $1', [childId]);
    expect(rows).toEqual([{ model_version: SITE_MODEL }]);
  });
});

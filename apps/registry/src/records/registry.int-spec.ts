/**
 * The registry in-process on the real broker and database: records are kept sealed at rest and
 * published sealed; an erasure request destroys the subject's key with the row's data in one
 * transaction and publishes `subject.erased` (once, however often the request is delivered);
 * the retention rule erases records closed long enough.
 */
import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { AgencyEvent, INTERNAL_TOPICS, KinlinkEvent, newEvent, recordIdOf } from '@kinlink/contracts';
import { bootstrapService, EventPublisher } from '@kinlink/kafka';
import { openRecord, SUBJECT_KEY_STORE, SubjectCipher, SubjectKeyStore } from '@kinlink/privacy';
import { eventually, registeredBoy, testDatabase, TopicWatcher, useServiceEnvironment, watchTopic } from '@kinlink/testing';

jest.setTimeout(90_000);

const testDb = testDatabase('r');
const { prefix } = testDb;
// before the service module is loaded: its config module reads the environment then.
// Retention: tracing requests are erased as soon as they are closed (0 months), children are kept.
useServiceEnvironment(testDb, {
  KAFKA_PARTITIONS: '1', RETENTION_TRACING_REQUEST_MONTHS: '0', RETENTION_SWEEP_MS: '300',
});
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RegistryModule } = require('../registry.module');

const agencyActor = (a: string) => ({ id: `agency:${a}`, role: 'agency' as const, agencyId: a });

describe('registry: sealed records, erasure, retention', () => {
  let app: INestApplication;
  let cipher: SubjectCipher;
  let db: Client;
  const out: KinlinkEvent[] = [];
  let watcher: TopicWatcher | undefined;

  /** An accepted agency event as the gateway publishes it: data sealed under the record's subject key. */
  async function accepted(event: Omit<AgencyEvent, 'eventId' | 'schemaVersion' | 'occurredAt'>) {
    const agencyEvent = { ...event, eventId: randomUUID(), schemaVersion: 1, occurredAt: new Date().toISOString() } as AgencyEvent;
    const subjectId = recordIdOf(event.type.startsWith('child.') ? 'child' : 'tracing-request', event.agencyId, event.agencyRecordId);
    const eventId = randomUUID();
    const { data } = await cipher.seal(subjectId, eventId, { data: agencyEvent.data });
    return newEvent('agency-event.accepted', {
      eventId, correlationId: agencyEvent.eventId, actor: agencyActor(event.agencyId), subject: { type: 'agency-event', id: `${event.agencyId}:${event.agencyRecordId}` },
      payload: { event: { ...agencyEvent, data, subjectId } as never, source: { topic: 'x', partition: 0, offset: '0' } },
    });
  }

  beforeAll(async () => {
    app = await bootstrapService({ service: 'registry', module: RegistryModule, subscribe: [INTERNAL_TOPICS.intake, INTERNAL_TOPICS.caseCommands] });
    cipher = app.get(SubjectCipher);
    db = new Client({ connectionString: testDb.url });
    await db.connect();
    watcher = await watchTopic(prefix, 'records', out);
  });
  afterAll(async () => {
    await watcher?.stop();
    await db?.end();
    await app?.close();
    await testDb.drop();
  });

  it('keeps a record sealed at rest and publishes it sealed; an erasure shreds it and later events are not applied', async () => {
    const publisher = app.get(EventPublisher);
    const record = registeredBoy(' Regtest');
    await publisher.publish([await accepted({ type: 'child.registered', agencyId: 'unhcr', agencyRecordId: 'U-R1', data: record } as never)]);
    const childId = recordIdOf('child', 'unhcr', 'U-R1');
    const registered = await eventually(() => {
      const e = out.find((x) => x.type === 'child.registered' && x.subject.id === childId);
      expect(e).toBeDefined();
      return e as KinlinkEvent<'child.registered'>;
    }, { timeoutMs: 30_000 });
    expect(JSON.stringify(registered)).not.toMatch(/Regtest|Abdi|Amina|Dadaab/);
    expect(await openRecord(cipher, childId, registered.eventId, registered.payload.record)).toEqual(record);
    const { rows } = await db.query('SELECT data::text AS d, status FROM registry.child WHERE id = $1', [childId]);
    expect(rows[0].status).toBe('open');
    expect(rows[0].d).not.toMatch(/Regtest|Abdi|Amina|Dadaab/);

    const commandId = randomUUID();
    const request = newEvent('subject.erasure-requested', {
      correlationId: commandId, actor: { id: 'root', role: 'system-admin', agencyId: 'kinlink' }, subject: { type: 'child', id: childId },
      payload: { commandId, subject: { type: 'child', id: childId }, reasonCode: 'subject_request' },
    });
    await publisher.publish([request, request]); // redelivered: erased once
    const erased = await eventually(() => {
      const e = out.filter((x) => x.type === 'subject.erased' && x.subject.id === childId);
      expect(e).toHaveLength(1);
      return e[0] as KinlinkEvent<'subject.erased'>;
    });
    expect(erased.payload).toEqual({ subject: { type: 'child', id: childId }, agencyId: 'unhcr', agencyRecordId: 'U-R1', reasonCode: 'subject_request', commandId });
    const { rows: after } = await db.query('SELECT data, status, erased_at FROM registry.child WHERE id = $1', [childId]);
    expect(after[0]).toMatchObject({ data: {}, status: 'erased' });
    expect(after[0].erased_at).not.toBeNull();
    expect(await app.get<SubjectKeyStore>(SUBJECT_KEY_STORE).isErased(childId)).toBe(true);
    expect(await openRecord(cipher, childId, registered.eventId, registered.payload.record)).toBeUndefined();

    // nothing is ever sealed under this subject again: the gateway cannot take the agency's later events in
    await expect(cipher.seal(childId, 'x', { a: 1 })).rejects.toThrow(/erased/);
  });

  it('erases tracing requests closed longer than their retention period (here 0 months), audited as `retention`', async () => {
    const publisher = app.get(EventPublisher);
    const filing = { inquiryDate: '2026-10-01', inquirer: { name: { given: 'Retainia' }, relation: 'mother' }, soughtChildren: [{ ref: 'c1', name: { given: 'Keptname' }, sex: 'female' }], consent: { tracing: true, sharing: true } };
    await publisher.publish([await accepted({ type: 'tracing-request.filed', agencyId: 'icrc', agencyRecordId: 'I-R1', data: filing } as never)]);
    await publisher.publish([await accepted({ type: 'child.registered', agencyId: 'unhcr', agencyRecordId: 'U-R3', data: registeredBoy(' Kept') } as never)]);
    const requestId = recordIdOf('tracing-request', 'icrc', 'I-R1');
    await eventually(() => expect(out.some((x) => x.type === 'tracing-request.filed' && x.subject.id === requestId)).toBe(true), { timeoutMs: 30_000 });
    // open: kept
    expect(out.some((x) => x.type === 'subject.erased' && x.subject.id === requestId)).toBe(false);
    await publisher.publish([await accepted({ type: 'tracing-request.closed', agencyId: 'icrc', agencyRecordId: 'I-R1', data: { reason: 'withdrawn', note: 'Retainia found her' } } as never)]);
    const erased = await eventually(() => {
      const e = out.find((x) => x.type === 'subject.erased' && x.subject.id === requestId);
      expect(e).toBeDefined();
      return e as KinlinkEvent<'subject.erased'>;
    }, { timeoutMs: 30_000 });
    expect(erased.payload.reasonCode).toBe('retention');
    expect(erased.actor).toEqual({ id: 'service:registry', role: 'system', agencyId: 'kinlink' });
    const closed = out.find((x) => x.type === 'tracing-request.closed' && x.subject.id === requestId)!;
    expect(JSON.stringify(closed)).not.toContain('Retainia');
    // the child (no retention rule for children here) is untouched
    const { rows } = await db.query(`SELECT status FROM registry.child WHERE id = $1`, [recordIdOf('child', 'unhcr', 'U-R3')]);
    expect(rows[0].status).toBe('open');
  });
});

/**
 * The gateway follows the agency registry within seconds, on the real database and broker: an
 * agency registered at run time (as `npm run agency:add` does) has its inbound topic consumed and
 * its events accepted; once revoked, its events are no longer taken in.
 */
import { randomUUID } from 'node:crypto';
import { ConfigService } from '@nestjs/config';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { TopicNames } from '@kinlink/contracts';
import { ensureDatabase, ensureSchema } from '@kinlink/database';
import { EventPublisher, ensureTopics } from '@kinlink/kafka';
import { InMemorySubjectKeyStore, SubjectCipher } from '@kinlink/privacy';
import { eventually, registeredBoy } from '@kinlink/testing';
import { CheckAgencyEvent } from '../intake/check-agency-event.usecase';
import { activateAgency, ensureAgencyTable, revokeAgencyRow } from './agency-store';
import { acceptedAgencies, AgencyRegistry } from './agency-registry';
import { RegisteredAgencyIntake } from './registered-agency-intake';

jest.setTimeout(90_000);

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinlink';
const run = randomUUID().slice(0, 8);
const prefix = `agreg-it-${run}`;
const schema = `agreg_it_${run}`;
const agency = `late-${run}`;
const topics = new TopicNames(prefix);
const kafka = new Kafka({ clientId: 'agency-registry-it', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:39092').split(','), logLevel: logLevel.NOTHING });

class TestRegistry extends AgencyRegistry {
  protected override schema = schema;
}

function agencyEvent(agencyId: string, recordId: string) {
  return {
    eventId: randomUUID(), schemaVersion: 1, type: 'child.registered', occurredAt: new Date().toISOString(),
    agencyId, agencyRecordId: recordId, data: registeredBoy(),
  };
}

describe('agency registry: the gateway follows registrations and revocations within seconds', () => {
  let ds: DataSource;
  let registry: TestRegistry;
  let intake: RegisteredAgencyIntake;
  let publisher: EventPublisher;
  let watcher: Consumer;
  const accepted: string[] = [];

  beforeAll(async () => {
    process.env.AGENCY_REFRESH_MS = '500';
    await ensureDatabase(url);
    await ensureSchema(url, schema);
    ds = new DataSource({ type: 'postgres', url, schema, logging: false });
    await ds.initialize();
    await ensureAgencyTable(ds, schema);
    await ensureTopics(kafka, [topics.internal('intake'), topics.internal('dead-letter'), topics.agencyInbound(agency), topics.agencyOutbound(agency)], 1);
    const config = new ConfigService({ AGENCIES: ['unhcr'], TOPIC_PREFIX: prefix });
    publisher = new EventPublisher(kafka, topics);
    registry = new TestRegistry(ds, config);
    intake = new RegisteredAgencyIntake(registry, kafka, topics, publisher, new CheckAgencyEvent(publisher, topics, new SubjectCipher(new InMemorySubjectKeyStore())), config);
    await registry.onModuleInit();
    await intake.onApplicationBootstrap();
    watcher = kafka.consumer({ groupId: `${prefix}.watcher`, maxWaitTimeInMs: 100 });
    await watcher.connect();
    await watcher.subscribe({ topics: [topics.internal('intake')], fromBeginning: true });
    await watcher.run({ eachMessage: async ({ message }) => {
      const e = JSON.parse(message.value!.toString());
      accepted.push(e.payload.event.agencyRecordId);
    } });
  });

  afterAll(async () => {
    await watcher?.disconnect();
    await intake?.onModuleDestroy();
    registry?.onModuleDestroy();
    await publisher?.onApplicationShutdown();
    await ds?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds?.destroy();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topics.internal('intake'), topics.internal('dead-letter'), topics.agencyInbound(agency), topics.agencyOutbound(agency)] }).catch(() => undefined);
    await admin.disconnect();
    delete process.env.AGENCY_REFRESH_MS;
  });

  it('combines the environment with the registry; a revocation wins', () => {
    expect(acceptedAgencies(['unhcr', 'icrc'], [
      { agencyId: 'late', status: 'active', kafkaPrincipal: 'agency-late', updatedAt: '' },
      { agencyId: 'icrc', status: 'revoked', kafkaPrincipal: 'agency-icrc', updatedAt: '' },
    ])).toEqual(['late', 'unhcr']);
  });

  it('consumes a newly registered agency, then stops when it is revoked', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      expect(registry.accepts(agency)).toBe(false);
      expect(intake.agencies).toEqual([]);

      const registeredAt = Date.now();
      await activateAgency(ds, agency, `agency-${agency}`, schema);
      await eventually(() => expect(intake.agencies).toEqual([agency]), { timeoutMs: 10_000 });
      const followAfter = Date.now() - registeredAt;
      await producer.send({ topic: topics.agencyInbound(agency), messages: [{ key: 'R-1', value: JSON.stringify(agencyEvent(agency, 'R-1')) }] });
      await eventually(() => expect(accepted).toContain('R-1'), { timeoutMs: 20_000 });
      const acceptedAfter = Date.now() - registeredAt;

      const revokedAt = Date.now();
      await revokeAgencyRow(ds, agency, `agency-${agency}`, schema);
      await eventually(() => expect(intake.agencies).toEqual([]), { timeoutMs: 10_000 });
      const droppedAfter = Date.now() - revokedAt;
      expect(registry.accepts(agency)).toBe(false);
      await producer.send({ topic: topics.agencyInbound(agency), messages: [{ key: 'R-2', value: JSON.stringify(agencyEvent(agency, 'R-2')) }] });
      await new Promise((r) => setTimeout(r, 3_000));
      expect(accepted).not.toContain('R-2');
      console.log(`agency registry: registered agency followed after ${followAfter} ms, its first event accepted after ${acceptedAfter} ms; revoked agency dropped after ${droppedAfter} ms`);
      expect(followAfter).toBeLessThan(10_000);
      expect(droppedAfter).toBeLessThan(10_000);
    } finally {
      await producer.disconnect();
    }
  });
});

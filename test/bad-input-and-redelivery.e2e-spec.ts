/**
 * The contract gate and idempotency, against the running system: bad agency events land on the
 * dead-letter topic with a machine-readable reason, the agency is told, events after them are
 * still processed, and a redelivered event changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { Consumer, KafkaMessage } from 'kafkajs';
import { MAX_AGENCY_EVENT_BYTES } from '@kinlink/contracts';
import { eventually, registeredBoy } from '@kinlink/testing';
import { agencyEvent, api, disconnectKafka, kafka, publishToAgencyTopic, system, token } from './support/system';

jest.setTimeout(120_000);

async function collect(topic: string): Promise<{ consumer: Consumer; messages: KafkaMessage[] }> {
  const messages: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: `e2e-watch-${randomUUID()}`, sessionTimeout: 6_000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => { messages.push(message); } });
  return { consumer, messages };
}
const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();

describe('bad input and redelivery', () => {
  let coordinator: string;
  let auditor: string;
  beforeAll(async () => {
    coordinator = await token('coordinator', 'unhcr');
    auditor = await token('auditor', 'kinlink');
  });
  afterAll(disconnectKafka);

  it('dead-letters each bad event with its reason, tells the agency, and keeps consuming', async () => {
    const dlt = await collect(system.topics.internal('dead-letter'));
    const outbound = await collect(system.topics.agencyOutbound('unhcr'));
    const marker = randomUUID();
    const unknownType = agencyEvent('child.teleported', 'unhcr', `X-${marker}`, {});
    const wrongAgency = agencyEvent('child.registered', 'icrc', `Y-${marker}`, registeredBoy());
    const oldVersion = { ...agencyEvent('child.registered', 'unhcr', `V-${marker}`, registeredBoy()), schemaVersion: 7 };
    const invalid = agencyEvent('child.registered', 'unhcr', `S-${marker}`, { ...registeredBoy(), sex: 'boy', favouriteColour: 'blue' });
    const oversized = agencyEvent('child.registered', 'unhcr', `O-${marker}`, { ...registeredBoy(), note: 'x'.repeat(MAX_AGENCY_EVENT_BYTES) });
    const good = agencyEvent('child.registered', 'unhcr', `G-${marker}`, registeredBoy(' Good'));

    await publishToAgencyTopic('unhcr', '{"eventId": "not json', `M-${marker}`);
    for (const e of [unknownType, wrongAgency, oldVersion, invalid, oversized, good]) await publishToAgencyTopic('unhcr', JSON.stringify(e), e.agencyRecordId);

    const reasons = await eventually(() => {
      const mine = dlt.messages.filter((m) => m.key?.toString().endsWith(marker));
      expect(mine).toHaveLength(6);
      return mine.map((m) => header(m, 'dlt-reason')).sort();
    }, { timeoutMs: 30_000 });
    expect(reasons).toEqual(['agency_mismatch', 'malformed_json', 'payload_too_large', 'schema_invalid', 'unknown_type', 'unsupported_version']);
    const one = dlt.messages.find((m) => m.key?.toString() === `Y-${marker}`)!;
    expect(header(one, 'dlt-original-topic')).toBe(system.topics.agencyInbound('unhcr'));
    expect(header(one, 'dlt-original-offset')).toMatch(/^\d+$/);

    // the agency hears why, machine-readably, without its data echoed back
    const notices = await eventually(() => {
      const n = outbound.messages.map((m) => JSON.parse(m.value!.toString())).filter((x) => x.type === 'event.rejected' && [invalid.eventId, oldVersion.eventId].includes(x.rejection.eventId));
      expect(n).toHaveLength(2);
      return n;
    });
    const schemaNotice = notices.find((n) => n.rejection.eventId === invalid.eventId);
    expect(schemaNotice.rejection.reason).toBe('schema_invalid');
    expect(schemaNotice.rejection.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['data.sex']));
    expect(JSON.stringify(schemaNotice)).not.toContain('blue');

    // the good event after the bad ones was processed
    await eventually(async () => {
      const r = await api('GET', `/records?kind=child&name=${encodeURIComponent('Mohammed Good')}`, coordinator);
      expect(r.body.items.map((i: { agencyRecordId: string }) => i.agencyRecordId)).toContain(good.agencyRecordId);
    });
    // and each rejection is in the audit log
    await eventually(async () => {
      const r = await api('GET', `/audit/subjects/${invalid.eventId}`, auditor);
      expect(r.body.entries.map((e: { eventType: string; reasonCode: string }) => [e.eventType, e.reasonCode])).toEqual([['agency-event.rejected', 'schema_invalid']]);
    });
    await Promise.all([dlt.consumer.disconnect(), outbound.consumer.disconnect()]);
  });

  it('applies a redelivered event once', async () => {
    const recordId = `R-${randomUUID()}`;
    const registration = agencyEvent('child.registered', 'unhcr', recordId, registeredBoy(' Twice'));
    await publishToAgencyTopic('unhcr', JSON.stringify(registration), recordId);
    await publishToAgencyTopic('unhcr', JSON.stringify(registration), recordId);
    // an update after the duplicate, on the same key (so the same partition, in order)
    const update = agencyEvent('child.updated', 'unhcr', recordId, { ...registeredBoy(' Twice'), dateOfBirth: '2016-03-13' });
    await publishToAgencyTopic('unhcr', JSON.stringify(update), recordId);

    const record = await eventually(async () => {
      const r = await api('GET', `/records?kind=child&name=${encodeURIComponent('Mohammed Twice')}`, coordinator);
      const rec = r.body.items.find((i: { agencyRecordId: string }) => i.agencyRecordId === recordId);
      expect(rec?.data.dateOfBirth).toBe('2016-03-13');
      return rec;
    });
    expect(record.revision).toBe(2);
    const history = await eventually(async () => {
      const r = await api('GET', `/audit/subjects/${record.id}`, auditor);
      expect(r.body.entries.map((e: { eventType: string }) => e.eventType)).toContain('child.updated');
      return r.body.entries as Array<{ eventType: string }>;
    });
    expect(history.filter((e) => e.eventType === 'child.registered')).toHaveLength(1);
    expect(history.filter((e) => e.eventType === 'child.updated')).toHaveLength(1);
  });
});

import { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
const k = new Kafka({ brokers: ['127.0.0.1:39092'], clientId: 'x' });
const p = k.producer(); await p.connect();
const ev = { eventId: randomUUID(), schemaVersion: 1, type: 'child.registered', occurredAt: new Date().toISOString(), agencyId: 'unhcr', agencyRecordId: 'C-' + Date.now(), data: { name: { given: 'Mohammed', family: 'Abdi' }, sex: 'male', dateOfBirth: '2016-03-12', status: 'unaccompanied', registeredOn: '2026-10-02', consent: { tracing: true, sharing: true } } };
await p.send({ topic: 'smoke1.inbound.unhcr', messages: [{ key: ev.agencyRecordId, value: JSON.stringify(ev) }, { key: 'bad', value: '{nope' }] });
await p.disconnect();

import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { TopicNames } from '@kinlink/contracts';
import { mintDevToken } from '../../apps/admin-api/src/auth/dev-tokens';

/** The running system started by test/setup/system-setup.mjs. */
export const system = {
  api: process.env.E2E_ADMIN_API_URL ?? 'http://127.0.0.1:3200',
  topics: new TopicNames(process.env.E2E_TOPIC_PREFIX ?? 'kinlink'),
  brokers: (process.env.E2E_KAFKA_BROKERS ?? '127.0.0.1:39092').split(','),
};

export const kafka = new Kafka({ clientId: `e2e-${process.pid}`, brokers: system.brokers, logLevel: logLevel.NOTHING });

let producer: Producer | undefined;
/** Publishes raw bytes to an agency's inbound topic, as an agency system would. */
export async function publishToAgencyTopic(agencyId: string, value: string | Buffer, key: string | null = null): Promise<void> {
  if (!producer) {
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
  }
  await producer.send({ topic: system.topics.agencyInbound(agencyId), messages: [{ key, value }] });
}

export async function disconnectKafka(): Promise<void> {
  await producer?.disconnect();
  producer = undefined;
}

export function agencyEvent(type: string, agencyId: string, agencyRecordId: string, data: unknown, extra: Record<string, unknown> = {}) {
  return { eventId: randomUUID(), schemaVersion: 1, type, occurredAt: new Date().toISOString(), agencyId, agencyRecordId, data, ...extra };
}

export type Role = 'coordinator' | 'supervisor' | 'auditor' | 'agency-admin' | 'system-admin';
export function token(role: Role, agency: string, sub = `${role}-${agency}`, agencies?: string[]): Promise<string> {
  return mintDevToken({ role, agency, sub, agencies });
}

export interface ApiResponse<T = any> { status: number; body: T } // eslint-disable-line @typescript-eslint/no-explicit-any

/** Calls the admin API; never throws on an HTTP error status. */
export async function api<T = any>(method: string, path: string, bearer?: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${system.api}${path}`, {
    method,
    headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
  return { status: res.status, body: parsed as T };
}

/**
 * Service-side audit benchmark: the real audit service (in process) on the real broker and
 * PostgreSQL, a database and topic prefix of its own.
 *
 *   node -r @swc-node/register bench/audit/service.ts     (AUDIT_BENCH_SERVICE_LEAVES=5000)
 *
 *  1. append throughput end to end: events published to `records` (KAFKA_PARTITIONS partitions)
 *     until every leaf is committed (inbox + head lock + leaf + nodes + head + outbox, one
 *     transaction each; a checkpoint every AUDIT_CHECKPOINT_EVERY leaves in the same transaction);
 *  2. proofs served from `audit.node` at that size (one query each);
 *  3. the self-check over the whole log.
 *
 * Prints the figures and writes bench/results/audit-service.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Client } from 'pg';

const N = Number(process.env.AUDIT_BENCH_SERVICE_LEAVES ?? 5000);
const PARTITIONS = Number(process.env.KAFKA_PARTITIONS ?? 3);
const run = randomUUID().slice(0, 8);
const prefix = `bench-audit-${run}`;
const database = `kinlink_bench_audit_${run}`;
const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinlink');
const url = new URL(base.toString());
url.pathname = `/${database}`;
const admin = new URL(base.toString());
admin.pathname = '/postgres';
Object.assign(process.env, {
  TOPIC_PREFIX: prefix, AGENCIES: 'bench', LOG_LEVEL: 'error', KAFKA_PARTITIONS: String(PARTITIONS), HTTP_PORT: '0',
  DATABASE_URL: url.toString(), AUDIT_SELF_CHECK_ON_BOOT: 'false', AUDIT_CHECKPOINT_EVERY: process.env.AUDIT_CHECKPOINT_EVERY ?? '100',
  AUDIT_CHECKPOINT_SECONDS: '0', KAFKAJS_NO_PARTITIONER_WARNING: '1', NODE_ENV: 'test',
});

/* eslint-disable @typescript-eslint/no-require-imports */
const { bootstrapService } = require('../../libs/kafka/src') as typeof import('../../libs/kafka/src');
const { newEvent, TopicNames } = require('../../libs/contracts/src') as typeof import('../../libs/contracts/src');
const { fetchConsistencyProof, fetchInclusionProof } = require('../../libs/audit-log/src') as typeof import('../../libs/audit-log/src');
const { AuditServiceModule } = require('../../apps/audit/src/audit-service.module') as typeof import('../../apps/audit/src/audit-service.module');
const { AUDITED_TOPICS } = require('../../apps/audit/src/audit-log/audited-topics') as typeof import('../../apps/audit/src/audit-log/audited-topics');
const { AuditSelfCheck } = require('../../apps/audit/src/audit-log/self-check') as typeof import('../../apps/audit/src/audit-log/self-check');
const { Checkpointer } = require('../../apps/audit/src/audit-log/checkpointer') as typeof import('../../apps/audit/src/audit-log/checkpointer');
const { PgMerkleStore } = require('../../apps/audit/src/audit-log/merkle-store') as typeof import('../../apps/audit/src/audit-log/merkle-store');
/* eslint-enable @typescript-eslint/no-require-imports */

const now = (): number => Number(process.hrtime.bigint()) / 1e6;
const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  const app = await bootstrapService({ service: 'audit', module: AuditServiceModule, subscribe: AUDITED_TOPICS });
  const pg = new Client({ connectionString: url.toString() });
  await pg.connect();
  const kafka = new Kafka({ clientId: prefix, brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:39092').split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const topic = new TopicNames(prefix).internal('records');
  try {
    const events = Array.from({ length: N }, (_, i) => {
      const id = randomUUID();
      return newEvent('child.registered', {
        correlationId: id, actor: { id: 'agency:bench', role: 'agency', agencyId: 'bench' }, subject: { type: 'child', id },
        payload: { id, agencyId: 'bench', agencyRecordId: `B-${i}`, revision: 1, record: { ciphertext: randomUUID() } as never },
      });
    });
    const t0 = now();
    for (let i = 0; i < N; i += 500) {
      await producer.send({ topic, messages: events.slice(i, i + 500).map((e) => ({ key: e.subject.id, value: JSON.stringify(e) })) });
    }
    const published = now() - t0;
    for (;;) {
      const { rows } = await pg.query('SELECT size FROM audit.head');
      if (Number(rows[0].size) >= N) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const appendMs = now() - t0;
    const { rows: cps } = await pg.query('SELECT count(*) AS n FROM audit.checkpoint');
    const { rows: nodes } = await pg.query('SELECT count(*) AS n, pg_total_relation_size(\'audit.node\') AS node_bytes, pg_total_relation_size(\'audit.leaf\') AS leaf_bytes FROM audit.node');

    // a checkpoint cut by the timer path (lock, root from the frontier, consistency with the previous one, sign, store, outbox)
    await producer.send({ topic, messages: [{ key: 'x', value: JSON.stringify(newEvent('child.registered', {
      correlationId: 'x', actor: { id: 'agency:bench', role: 'agency', agencyId: 'bench' }, subject: { type: 'child', id: randomUUID() },
      payload: { id: randomUUID(), agencyId: 'bench', agencyRecordId: 'B-x', revision: 1, record: {} as never },
    })) }] });
    for (;;) {
      const { rows } = await pg.query('SELECT size FROM audit.head');
      if (Number(rows[0].size) > N) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const c0 = now();
    await app.get(Checkpointer).tick();
    const checkpointMs = now() - c0;

    const store = new PgMerkleStore({ query: async (sql: string, params?: unknown[]) => (await pg.query(sql, params as unknown[])).rows });
    const size = N + 1;
    const inclusion: number[] = [];
    const consistency: number[] = [];
    for (let i = 0; i < 200; i++) {
      let s = now();
      await fetchInclusionProof(store, Math.floor(Math.random() * size), size);
      inclusion.push(now() - s);
      s = now();
      await fetchConsistencyProof(store, 1 + Math.floor(Math.random() * (size - 1)), size);
      consistency.push(now() - s);
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const s0 = now();
    const report = await app.get(AuditSelfCheck).run();
    const selfCheckMs = now() - s0;

    const result = {
      when: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavg: loadavg().map((x) => round(x, 2)) },
      leaves: N,
      partitions: PARTITIONS,
      checkpointEvery: Number(process.env.AUDIT_CHECKPOINT_EVERY),
      publishMs: round(published),
      appendEndToEndMs: round(appendMs),
      appendLeavesPerSecond: round(N / (appendMs / 1000)),
      checkpointsSigned: Number(cps[0].n),
      nodeRows: Number(nodes[0].n),
      bytesPerLeaf: { leaf: round(Number(nodes[0].leaf_bytes) / N), node: round(Number(nodes[0].node_bytes) / N) },
      timerCheckpointMs: round(checkpointMs, 2),
      inclusionProofFromDbMs: round(mean(inclusion), 2),
      consistencyProofFromDbMs: round(mean(consistency), 2),
      selfCheck: { ok: report.ok, ms: round(selfCheckMs), leavesPerSecond: round(report.leavesChecked / (selfCheckMs / 1000)) },
    };
    console.log(JSON.stringify(result, null, 2));
    const out = join(__dirname, '..', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'audit-service.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await producer.disconnect().catch(() => undefined);
    await pg.end().catch(() => undefined);
    await app.close();
    const c = new Client({ connectionString: admin.toString() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await c.end();
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});

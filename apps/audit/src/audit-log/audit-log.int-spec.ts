/**
 * The audit service on the real broker and the real database.
 *
 * 1. Concurrency: events on several partitions of several topics, consumed by two instances of the
 *    service (one leaves mid-stream, so its partitions are redelivered to the other), plus explicit
 *    redeliveries, get exactly one leaf each in one gap-free order; checkpoints are signed every N
 *    leaves and after T seconds, and published for witnesses, each consistent with the previous one.
 * 2. Tampering with the stored log (flip a byte, delete a row, reorder two rows, truncate the tail,
 *    fork) is detected by the offline verifier over an export and by the service's self-check, in
 *    every seeded trial, with no false alarm on the untouched log. Each trial runs in a transaction
 *    (the append-only triggers dropped inside it) that is rolled back afterwards.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import {
  AuditLeaf, chainHash, CHAIN_GENESIS, encodeLeaf, encodeSigningKey, ExportVerification, fetchConsistencyProof, generateSigningKey,
  hashLeaf, MerkleAccumulator, signCheckpoint, SigningKey, toVerifierKey, verifyCheckpoint, verifyConsistency, verifyExport,
} from '@kinlink/audit-log';
import { INTERNAL_TOPICS, KinlinkEvent, LogicalTopic, newEvent, TopicNames } from '@kinlink/contracts';
import { bootstrapService } from '@kinlink/kafka';
import { eventually } from '@kinlink/testing';
import { mulberry } from '../../../../libs/audit-log/src/testing/fixtures';
import { AUDITED_TOPICS } from './audited-topics';
import { exportRangeText } from './export-range';
import { PgMerkleStore, Queryable } from './merkle-store';
import { AuditSelfCheck, SelfCheckReport } from './self-check';

jest.setTimeout(180_000);

const run = randomUUID().slice(0, 8);
const prefix = `it-audit-${run}`;
const database = `kinlink_it_audit_${run}`;
const baseUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinlink');
const databaseUrl = new URL(baseUrl.toString());
databaseUrl.pathname = `/${database}`;
const adminUrl = new URL(baseUrl.toString());
adminUrl.pathname = '/postgres';
const origin = `kinlink.audit/${prefix}`;
const keyDir = mkdtempSync(join(tmpdir(), 'kinlink-audit-it-'));
const keyFile = join(keyDir, 'audit.key');
const signingKey: SigningKey = generateSigningKey(origin);
writeFileSync(keyFile, `${encodeSigningKey(signingKey)}\n`, { mode: 0o600 });
const verifier = toVerifierKey(signingKey);
const EVERY = 16;

// before the service module is loaded: its config module reads the environment then
Object.assign(process.env, {
  TOPIC_PREFIX: prefix, AGENCIES: 'it-agency', LOG_LEVEL: 'silent', KAFKA_PARTITIONS: '4', HTTP_PORT: '0',
  DATABASE_URL: databaseUrl.toString(), AUDIT_CHECKPOINT_EVERY: String(EVERY), AUDIT_CHECKPOINT_SECONDS: '1',
  AUDIT_SIGNING_KEY_FILE: keyFile, AUDIT_SELF_CHECK_ON_BOOT: 'false', NODE_ENV: 'test',
});
const { AuditServiceModule } = require('../audit-service.module') as typeof import('../audit-service.module'); // eslint-disable-line @typescript-eslint/no-require-imports

const topics = new TopicNames(prefix);
const kafka = new Kafka({ clientId: `it-audit-${run}`, brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:39092').split(','), logLevel: logLevel.NOTHING });

interface LeafRow { seq: string; event_id: string; leaf: AuditLeaf; leaf_hash: string; chain_hash: string }

describe('audit service on the real broker and database', () => {
  let a: INestApplication;
  let b: INestApplication | undefined;
  let producer: Producer;
  let pg: Client;
  const witness = kafka.consumer({ groupId: `${prefix}-witness`, sessionTimeout: 6_000 });
  /** checkpoints as an agency acting as a witness received them from `audit-checkpoints` */
  const witnessed = new Map<number, string>();
  const published = new Set<string>();

  beforeAll(async () => {
    a = await bootstrapService({ service: 'audit', module: AuditServiceModule, subscribe: AUDITED_TOPICS });
    b = await bootstrapService({ service: 'audit', module: AuditServiceModule, subscribe: AUDITED_TOPICS });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    pg = new Client({ connectionString: databaseUrl.toString() });
    await pg.connect();
    await witness.connect();
    await witness.subscribe({ topic: topics.internal(INTERNAL_TOPICS.auditCheckpoints), fromBeginning: true });
    await witness.run({
      eachMessage: async ({ message }) => {
        const e = JSON.parse(message.value!.toString()) as KinlinkEvent<'audit.checkpoint'>;
        witnessed.set(e.payload.treeSize, e.payload.checkpoint);
      },
    });
  });

  afterAll(async () => {
    await witness.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await pg?.end().catch(() => undefined);
    await b?.close();
    await a?.close();
    const admin = new Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
    rmSync(keyDir, { recursive: true, force: true });
  });

  const rows = async (): Promise<LeafRow[]> => (await pg.query('SELECT seq, event_id, leaf, leaf_hash, chain_hash FROM audit.leaf ORDER BY seq')).rows;

  async function send(topic: LogicalTopic, events: KinlinkEvent[]) {
    await producer.send({
      topic: topics.internal(topic),
      messages: events.map((e) => ({ key: e.subject.id, value: JSON.stringify(e), headers: { 'event-id': e.eventId, 'event-type': e.type } })),
    });
    for (const e of events) published.add(e.eventId);
  }

  function someEvents(n: number, rnd: () => number): Array<[LogicalTopic, KinlinkEvent]> {
    const actor = { id: 'amal', role: 'coordinator' as const, agencyId: 'unhcr' };
    const out: Array<[LogicalTopic, KinlinkEvent]> = [];
    for (let i = 0; i < n; i++) {
      const id = randomUUID();
      const pick = Math.floor(rnd() * 5);
      if (pick === 0) {
        out.push([INTERNAL_TOPICS.records, newEvent('child.registered', {
          correlationId: id, actor: { id: 'unhcr', role: 'agency', agencyId: 'unhcr' }, subject: { type: 'child', id },
          payload: { id, agencyId: 'unhcr', agencyRecordId: `R-${i}`, revision: 1, record: { secret: 'Mohammed' } as never },
        }) as KinlinkEvent]);
      } else if (pick === 1) {
        out.push([INTERNAL_TOPICS.matches, newEvent('match.withdrawn', {
          correlationId: id, actor: { id: 'service:matching', role: 'system', agencyId: 'kinlink' }, subject: { type: 'proposal', id },
          payload: { proposalId: id, reason: 'record_changed' },
        }) as KinlinkEvent]);
      } else if (pick === 2) {
        out.push([INTERNAL_TOPICS.caseCommands, newEvent('case.transition-requested', {
          correlationId: id, actor, subject: { type: 'case', id }, payload: { commandId: id, caseId: id, command: { type: 'start_verification' } },
        }) as KinlinkEvent]);
      } else if (pick === 3) {
        out.push([INTERNAL_TOPICS.cases, newEvent('case.status-changed', {
          correlationId: id, actor, subject: { type: 'case', id },
          payload: { commandId: id, caseId: id, from: 'match_confirmed', to: 'verification_in_progress', caseVersion: 2 },
        }) as KinlinkEvent]);
      } else {
        out.push([INTERNAL_TOPICS.accessLog, newEvent('record.read', {
          correlationId: id, actor, subject: { type: 'child', id },
          payload: { record: { type: 'child', id, agencyId: 'unhcr' }, purpose: 'case-management', operation: 'GET /children/:id' },
        }) as KinlinkEvent]);
      }
    }
    return out;
  }

  it('gives every event exactly one leaf, in one gap-free order, across partitions, instances and redeliveries', async () => {
    const rnd = mulberry(20251128);
    const events = someEvents(300, rnd);
    const byTopic = (list: Array<[LogicalTopic, KinlinkEvent]>) => {
      const m = new Map<LogicalTopic, KinlinkEvent[]>();
      for (const [t, e] of list) m.set(t, [...(m.get(t) ?? []), e]);
      return m;
    };
    // first half, then one instance leaves (its partitions move to the other, uncommitted offsets are redelivered)
    for (const [t, es] of byTopic(events.slice(0, 150))) await send(t, es);
    await eventually(async () => expect(Number((await pg.query('SELECT count(*) FROM audit.leaf')).rows[0].count)).toBeGreaterThan(40), { timeoutMs: 60_000, intervalMs: 20 });
    const closing = b!.close();
    b = undefined;
    for (const [t, es] of byTopic(events.slice(150))) await send(t, es);
    await closing;
    // explicit redeliveries of a random third, in a different order
    const again = events.filter(() => rnd() < 0.33).reverse();
    for (const [t, es] of byTopic(again)) await send(t, es);
    // dead letters (their leaf ids come from partition and offset)
    await producer.send({
      topic: topics.internal(INTERNAL_TOPICS.deadLetter),
      messages: Array.from({ length: 5 }, (_, i) => ({
        key: `k${i}`, value: `{"broken":${i}}`,
        headers: { 'dlt-reason': 'schema_invalid', 'dlt-original-topic': `${prefix}.inbound.it-agency`, 'agency-id': 'it-agency', 'dlt-failed-at': new Date().toISOString() },
      })),
    });
    const expected = published.size + 5;

    const all = await eventually(async () => {
      const r = await rows();
      expect(r.length).toBe(expected);
      return r;
    }, { timeoutMs: 90_000, intervalMs: 100 });
    expect(all.map((r) => Number(r.seq))).toEqual(Array.from({ length: expected }, (_, i) => i));
    expect(new Set(all.map((r) => r.event_id)).size).toBe(expected);
    for (const id of published) expect(all.some((r) => r.event_id === id)).toBe(true);
    expect(all.filter((r) => r.event_id.startsWith('dead-letter:'))).toHaveLength(5);
    expect(JSON.stringify(all)).not.toContain('Mohammed'); // payloads are hashed, never copied
    const reads = all.filter((r) => r.leaf.eventType === 'record.read');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads[0].leaf).toMatchObject({ reasonCode: 'case-management', actor: { id: 'amal', agencyId: 'unhcr' }, subjects: [{ type: 'child' }] });

    // hash chain, leaf hashes and Merkle tree
    let tip = CHAIN_GENESIS;
    const acc = new MerkleAccumulator();
    for (const r of all) {
      expect(hashLeaf(encodeLeaf(r.leaf)).toString('hex')).toBe(r.leaf_hash);
      tip = chainHash(tip, encodeLeaf(r.leaf));
      expect(r.chain_hash).toBe(tip);
      acc.append(Buffer.from(r.leaf_hash, 'hex'));
    }
    const head = (await pg.query('SELECT size, chain_tip, frontier FROM audit.head')).rows[0];
    expect(Number(head.size)).toBe(expected);
    expect(head.chain_tip).toBe(tip);
    expect(head.frontier).toEqual(acc.toState().frontier);

    // checkpoints: every EVERY leaves, and the whole tree within seconds (timer), all published for witnesses
    await eventually(() => expect(witnessed.has(expected)).toBe(true), { timeoutMs: 30_000 });
    const stored: Array<{ tree_size: string; root_hash: string; note: string }> = (await pg.query('SELECT tree_size, root_hash, note FROM audit.checkpoint ORDER BY tree_size')).rows;
    const sizes = stored.map((c) => Number(c.tree_size));
    for (let s = EVERY; s <= expected; s += EVERY) expect(sizes).toContain(s);
    expect(sizes[sizes.length - 1]).toBe(expected);
    const store = new PgMerkleStore(wrap(pg));
    let previous: { size: number; root: Buffer } | undefined;
    for (const c of stored) {
      expect(witnessed.get(Number(c.tree_size))).toBe(c.note);
      const cp = verifyCheckpoint(c.note, verifier);
      expect(cp.origin).toBe(origin);
      if (previous) {
        const proof = await fetchConsistencyProof(store, previous.size, cp.treeSize);
        expect(verifyConsistency(previous.size, cp.treeSize, previous.root, cp.rootHash, proof)).toBe(true);
      }
      previous = { size: cp.treeSize, root: cp.rootHash };
    }
    expect(previous!.root.equals(acc.root())).toBe(true);

    const report = await a.get(AuditSelfCheck).run({ trustedCheckpoints: [...witnessed.values()] });
    expect(report).toMatchObject({ ok: true, leavesChecked: expected, headSize: expected });
  });

  it('detects every kind of tampering, by the offline verifier and by the self-check, with no false alarms', async () => {
    const TRIALS = Number(process.env.AUDIT_SERVICE_TAMPER_TRIALS ?? 64);
    const kinds = ['flip-byte', 'delete-row', 'reorder-rows', 'truncate-tail', 'fork'] as const;
    type Kind = (typeof kinds)[number] | 'untouched';
    const counts: Record<Kind, { trials: number; verifier: number; selfCheck: number; located: number; exactIndex: number }> = Object.fromEntries(
      [...kinds, 'untouched'].map((k) => [k, { trials: 0, verifier: 0, selfCheck: 0, located: 0, exactIndex: 0 }])) as never;
    const failures: string[] = [];
    const selfCheck = a.get(AuditSelfCheck);
    const original = await rows();
    const n = original.length;
    const witnesses = [...witnessed.values()];
    const latest = Math.max(...witnessed.keys());
    expect(latest).toBe(n);
    const db = wrap(pg);
    const started = Date.now();

    for (let t = 0; t < TRIALS * (kinds.length + 1); t++) {
      const kind: Kind = t % (kinds.length + 1) === kinds.length ? 'untouched' : kinds[t % (kinds.length + 1)];
      const rnd = mulberry(1000 + t);
      const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo)); // [lo, hi)
      counts[kind].trials++;
      await pg.query('BEGIN');
      try {
        await pg.query('DROP TRIGGER leaf_append_only ON audit.leaf');
        await pg.query('DROP TRIGGER node_append_only ON audit.node');
        await pg.query('DROP TRIGGER checkpoint_append_only ON audit.checkpoint');
        // the first bad index, and whether the attacker covered their tracks (then only checkpoints held outside the log tell)
        let bad = -1;
        let trusted = false;
        let exportOptions: { from?: number; to?: number; consistencyFrom?: number[] } = {};
        if (kind === 'flip-byte') {
          bad = int(0, n);
          const row = original[bad];
          if (rnd() < 0.2) {
            const h = row.leaf_hash;
            const p = int(0, 64);
            const c = '0123456789abcdef'.replace(h[p], '')[int(0, 15)];
            await pg.query('UPDATE audit.leaf SET leaf_hash = $1 WHERE seq = $2', [h.slice(0, p) + c + h.slice(p + 1), bad]);
          } else {
            const leaf = structuredClone(row.leaf) as unknown as Record<string, unknown>;
            const fields: Array<[Record<string, unknown>, string]> = [];
            for (const k of ['eventId', 'eventType', 'occurredAt', 'recordedAt', 'payloadHash', 'reasonCode', 'correlationId', 'fromState', 'toState', 'agencyId']) {
              if (typeof leaf[k] === 'string') fields.push([leaf, k]);
            }
            const actor = leaf.actor as Record<string, unknown> | null;
            if (actor) fields.push([actor, 'id']);
            for (const s of leaf.subjects as Array<Record<string, unknown>>) fields.push([s, 'id']);
            const [obj, key] = fields[int(0, fields.length)];
            const v = obj[key] as string;
            const p = int(0, v.length);
            let c = v[p];
            while (c === v[p]) c = String.fromCharCode(int(0x21, 0x7f));
            obj[key] = v.slice(0, p) + c + v.slice(p + 1);
            await pg.query('UPDATE audit.leaf SET leaf = $1 WHERE seq = $2', [leaf, bad]);
          }
        } else if (kind === 'delete-row') {
          bad = int(0, n);
          await pg.query('DELETE FROM audit.leaf WHERE seq = $1', [bad]);
        } else if (kind === 'reorder-rows') {
          bad = int(0, n - 1);
          const j = int(bad + 1, n);
          if (rnd() < 0.5) {
            // move the rows
            await pg.query('UPDATE audit.leaf SET seq = -1 WHERE seq = $1', [bad]);
            await pg.query('UPDATE audit.leaf SET seq = $1 WHERE seq = $2', [bad, j]);
            await pg.query('UPDATE audit.leaf SET seq = $1 WHERE seq = -1', [j]);
          } else {
            // swap the leaves and re-hash them so each row looks well-formed on its own
            for (const [at, from] of [[bad, j], [j, bad]]) {
              const leaf = { ...original[from].leaf, seq: at };
              await pg.query('UPDATE audit.leaf SET leaf = $1, leaf_hash = $2, event_id = $3 WHERE seq = $4',
                [leaf, hashLeaf(encodeLeaf(leaf)).toString('hex'), `${leaf.eventId}#${at}`, at]);
            }
            // the verifier then sees valid lines: only the signed root exposes it (a range); the self-check's hash chain names it
          }
        } else if (kind === 'truncate-tail') {
          const k = int(1, Math.min(40, n));
          bad = n - k;
          await pg.query('DELETE FROM audit.leaf WHERE seq >= $1', [bad]);
          if (rnd() < 0.5) {
            // cover the tracks: rewind the head, drop the tree and checkpoints beyond (only a witness can tell)
            await rewindHead(pg, original.slice(0, bad));
            await pg.query('DELETE FROM audit.checkpoint WHERE tree_size > $1', [bad]);
            trusted = true;
          }
        } else if (kind === 'fork') {
          bad = int(0, n);
          const forged = original.map((r) => ({ ...r.leaf }));
          forged[bad] = { ...forged[bad], reasonCode: `forged-${t}`, actor: { id: 'mallory', role: 'coordinator', agencyId: 'unhcr' } };
          await rewriteFrom(pg, forged, bad);
          if (rnd() < 0.5) {
            // the operator re-signs the rewritten history with the log key: same sizes, different roots (only a witness can tell)
            const sizes: string[] = (await pg.query('SELECT tree_size FROM audit.checkpoint WHERE tree_size > $1', [bad])).rows.map((r) => r.tree_size);
            await pg.query('DELETE FROM audit.checkpoint WHERE tree_size > $1', [bad]);
            const acc = new MerkleAccumulator();
            for (const leaf of forged) {
              acc.append(hashLeaf(encodeLeaf(leaf)));
              if (sizes.includes(String(acc.size))) {
                const note = signCheckpoint({ origin, treeSize: acc.size, rootHash: acc.root(), timestamp: new Date() }, signingKey);
                await pg.query('INSERT INTO audit.checkpoint (tree_size, root_hash, signed_at, key_id, note) VALUES ($1, $2, now(), $3, $4)',
                  [acc.size, acc.root().toString('hex'), signingKey.keyId.toString('hex'), note]);
              }
            }
            trusted = true;
          }
        } else {
          // untouched: random ranges, with and without saved checkpoints, must all verify
          const sizes = [...witnessed.keys()].sort((x, y) => x - y);
          const to = sizes[int(0, sizes.length)];
          const from = int(0, to + 1);
          const below = sizes.filter((s) => s < from && s < to);
          exportOptions = { from, to, consistencyFrom: below.length ? [below[int(0, below.length)]] : [] };
          trusted = rnd() < 0.5;
        }

        const text = await exportRangeText(db, exportOptions);
        let saved: string[] = [];
        if (trusted && kind === 'untouched') {
          // what an auditor holds: checkpoints inside the range, and one below it with its consistency proof in the export
          const { from = 0, to = n, consistencyFrom = [] } = exportOptions;
          saved = [...witnessed].filter(([size]) => (size >= from && size <= to) || consistencyFrom.includes(size)).map(([, note]) => note);
        } else if (trusted) {
          saved = witnesses;
        }
        const verdict: ExportVerification = verifyExport(text, { publicKey: verifier, earlierCheckpoint: saved });
        const report: SelfCheckReport = await selfCheck.run({ db, trustedCheckpoints: trusted ? witnesses : [] });

        if (kind === 'untouched') {
          if (verdict.ok) counts[kind].verifier++;
          else failures.push(`untouched #${t}: verifier false alarm: ${verdict.error}`);
          if (report.ok) counts[kind].selfCheck++;
          else failures.push(`untouched #${t}: self-check false alarm: ${report.problem} ${report.detail}`);
        } else {
          const named = (r: { ok: boolean; first?: number; range?: [number, number] }) =>
            !r.ok && r.first !== undefined && r.range !== undefined && r.range[0] <= bad && bad < Math.max(r.range[1], r.range[0] + 1);
          const v = { ok: verdict.ok, first: verdict.firstBadLeafIndex, range: verdict.suspectRange };
          const s = { ok: report.ok, first: report.firstBadIndex, range: report.suspectRange };
          if (!verdict.ok) counts[kind].verifier++;
          else failures.push(`${kind} #${t} (bad ${bad}): the verifier accepted the export`);
          if (!report.ok) counts[kind].selfCheck++;
          else failures.push(`${kind} #${t} (bad ${bad}): the self-check passed`);
          // a truncation hidden by rewinding the head and dropping checkpoints leaves the export nothing to point at: the verifier
          // refuses it as older than the auditor's saved checkpoint (kind 'unverifiable'); the self-check names the index
          const verifierLocated = kind === 'truncate-tail' && trusted ? verdict.kind === 'unverifiable' : named(v);
          if (!verdict.ok && !verifierLocated) failures.push(`${kind} #${t}: verifier named ${v.first} ${JSON.stringify(v.range)} for bad ${bad}: ${verdict.error}`);
          if (!report.ok && !named(s)) failures.push(`${kind} #${t}: self-check named ${s.first} ${JSON.stringify(s.range)} for bad ${bad}: ${report.detail}`);
          if (!verdict.ok && !report.ok && verifierLocated && named(s)) counts[kind].located++;
          if (v.first === bad && s.first === bad) counts[kind].exactIndex++;
        }
      } finally {
        await pg.query('ROLLBACK');
      }
    }
    const seconds = (Date.now() - started) / 1000;
    const table = Object.entries(counts).map(([k, c]) => `  ${k.padEnd(14)} trials ${String(c.trials).padStart(4)}   `
      + (k === 'untouched'
        ? `verified OK ${c.verifier}/${c.trials}, self-check OK ${c.selfCheck}/${c.trials} (false alarms: ${c.trials - c.verifier + c.trials - c.selfCheck})`
        : `detected by verifier ${c.verifier}/${c.trials}, by self-check ${c.selfCheck}/${c.trials}; bad index within the reported range ${c.located}/${c.trials}, named exactly by both ${c.exactIndex}/${c.trials}`));
    console.log(`audit tamper trials over a log of ${n} leaves (${seconds.toFixed(1)} s):\n${table.join('\n')}`);
    expect(failures.slice(0, 10)).toEqual([]);
    for (const [k, c] of Object.entries(counts)) {
      expect(c.verifier).toBe(c.trials);
      expect(c.selfCheck).toBe(c.trials);
      if (k !== 'untouched') expect(c.located).toBe(c.trials);
      if (k === 'flip-byte' || k === 'delete-row') expect(c.exactIndex).toBe(c.trials);
    }
    // and the live log is still whole
    expect(await selfCheck.run({ trustedCheckpoints: witnesses })).toMatchObject({ ok: true });
  });
});

/** pg Client as the service's Queryable (rows only). */
function wrap(client: Client): Queryable {
  return { query: async (sql: string, params?: unknown[]) => (await client.query(sql, params as unknown[])).rows };
}

/** Rewrites leaves from index `from` on (content, leaf hashes, chain), the whole tree and the head: a rewrite with every hash recomputed. */
async function rewriteFrom(pg: Client, leaves: AuditLeaf[], from: number): Promise<void> {
  let tip = CHAIN_GENESIS;
  const acc = new MerkleAccumulator();
  const nodes: Array<{ level: number; index: number; hash: Buffer }> = [];
  for (const [i, leaf] of leaves.entries()) {
    const bytes = encodeLeaf(leaf);
    const h = hashLeaf(bytes);
    tip = chainHash(tip, bytes);
    nodes.push(...acc.append(h));
    if (i >= from) {
      await pg.query('UPDATE audit.leaf SET leaf = $1, leaf_hash = $2, chain_hash = $3 WHERE seq = $4', [leaf, h.toString('hex'), tip, i]);
    }
  }
  await pg.query('DELETE FROM audit.node');
  await pg.query(`INSERT INTO audit.node (level, idx, hash) SELECT l, i, decode(h, 'hex') FROM unnest($1::int[], $2::bigint[], $3::text[]) AS t(l, i, h)`,
    [nodes.map((x) => x.level), nodes.map((x) => String(x.index)), nodes.map((x) => x.hash.toString('hex'))]);
  await pg.query('UPDATE audit.head SET size = $1, chain_tip = $2, frontier = $3 WHERE id = 1', [acc.size, tip, JSON.stringify(acc.toState().frontier)]);
}

/** Makes the head and the tree describe exactly `kept` (after deleting the tail). */
async function rewindHead(pg: Client, kept: LeafRow[]): Promise<void> {
  const acc = new MerkleAccumulator();
  for (const r of kept) acc.append(Buffer.from(r.leaf_hash, 'hex'));
  await pg.query(`DELETE FROM audit.node WHERE (idx + 1) * (1::bigint << level::int) > $1`, [kept.length]);
  await pg.query('UPDATE audit.head SET size = $1, chain_tip = $2, frontier = $3 WHERE id = 1',
    [acc.size, kept.length ? kept[kept.length - 1].chain_hash : CHAIN_GENESIS, JSON.stringify(acc.toState().frontier)]);
}

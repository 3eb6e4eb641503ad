/**
 * The audit trail as an auditor uses it, against the running system: after agency events, fetch
 * the latest signed checkpoint, an inclusion proof and a consistency proof and verify them with
 * libs/audit-log (trusting only the log's public key, obtained out of band), export a range and
 * run the offline verifier over it; and find the auditor's own reads in the log.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuditLeaf, encodeVerifierKey, leafHash, parseVerifierKey, verifyCheckpoint, verifyConsistency, verifyExport, verifyInclusion, VerifierKey,
} from '@kinlink/audit-log';
import { eventually, registeredBoy } from '@kinlink/testing';
import { main as auditVerify } from '../libs/audit-log/src/cli/verify';
import { agencyEvent, api, disconnectKafka, publishToAgencyTopic, system, token } from './support/system';

jest.setTimeout(120_000);

const hex = (h: string) => Buffer.from(h, 'hex');

describe('the audit trail, read back and verified by an auditor', () => {
  const auditorId = `audrey-${randomUUID().slice(0, 8)}`;
  let auditor: string;
  let coordinator: string;
  let key: VerifierKey;
  let dir: string;

  beforeAll(async () => {
    [auditor, coordinator] = await Promise.all([token('auditor', 'kinlink', auditorId), token('coordinator', 'unhcr', 'amal')]);
    dir = mkdtempSync(join(tmpdir(), 'kinlink-audit-e2e-'));
  });
  afterAll(async () => {
    await disconnectKafka();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A child registered by an agency; resolves to its Kinlink id once the admin API has it. */
  async function registerChild(): Promise<string> {
    const recordId = `UNHCR-AU-${randomUUID().slice(0, 8)}`;
    const suffix = ` Audit${recordId.slice(-4)}`;
    await publishToAgencyTopic('unhcr', JSON.stringify(agencyEvent('child.registered', 'unhcr', recordId, registeredBoy(suffix))), recordId);
    return eventually(async () => {
      const r = await api('GET', `/records?kind=child&name=${encodeURIComponent(`Mohammed${suffix}`)}`, coordinator);
      const rec = r.body.items?.find((i: { agencyRecordId: string }) => i.agencyRecordId === recordId);
      expect(rec).toBeDefined();
      return rec.id as string;
    }, { timeoutMs: 30_000 });
  }

  /** The child's registration leaf, once projected. */
  async function registrationLeaf(childId: string): Promise<{ seq: number; leafHash: string }> {
    return eventually(async () => {
      const r = await api('GET', `/audit/subjects/${childId}`, auditor);
      expect(r.status).toBe(200);
      const e = r.body.entries.find((x: { eventType: string }) => x.eventType === 'child.registered');
      expect(e).toBeDefined();
      return e;
    }, { timeoutMs: 30_000 });
  }

  /** The latest checkpoint once it covers `size` leaves, its signature verified with the pinned key. */
  async function checkpointCovering(size: number) {
    const cp = await eventually(async () => {
      const r = await api('GET', '/audit/checkpoints/latest', auditor);
      expect(r.status).toBe(200);
      expect(r.body.treeSize).toBeGreaterThanOrEqual(size);
      return r.body;
    }, { timeoutMs: 45_000, intervalMs: 500 });
    const verified = verifyCheckpoint(cp.checkpoint, key);
    expect(verified.treeSize).toBe(cp.treeSize);
    expect(verified.rootHash.toString('hex')).toBe(cp.rootHash);
    return { text: cp.checkpoint as string, treeSize: verified.treeSize, root: verified.rootHash };
  }

  it('serves the log key to auditors only, the same key the audit service signs with', async () => {
    expect((await api('GET', '/audit/public-key', coordinator)).status).toBe(403);
    expect((await api('GET', '/audit/checkpoints/latest', coordinator)).status).toBe(403);
    const childId = await registerChild();
    await registrationLeaf(childId);
    const served = await eventually(async () => {
      const r = await api('GET', '/audit/public-key', auditor);
      expect(r.status).toBe(200);
      return r.body;
    }, { timeoutMs: 45_000, intervalMs: 500 });
    // out of band: the audit service's dev key file (in production, the operator hands it over)
    const origin = `kinlink.audit/${system.topics.prefix}`;
    const pub = join(__dirname, '..', '.run', 'dev-keys', `audit-${origin.replace(/[^A-Za-z0-9._-]/g, '_')}.pub`);
    key = parseVerifierKey(existsSync(pub) ? readFileSync(pub, 'utf8') : served.publicKey);
    expect(served.publicKey).toBe(encodeVerifierKey(key));
    expect(served.keyName).toBe(origin);
  });

  it('proves a leaf is in the signed tree and that the tree only grew', async () => {
    const childId = await registerChild();
    const leaf = await registrationLeaf(childId);
    const first = await checkpointCovering(leaf.seq + 1);

    const inclusion = await api('GET', `/audit/proofs/inclusion?index=${leaf.seq}&treeSize=${first.treeSize}`, auditor);
    expect(inclusion.status).toBe(200);
    // recompute the leaf hash from the leaf itself: the log's word for it is not needed
    const computed = leafHash(inclusion.body.leaf as AuditLeaf);
    expect(computed.toString('hex')).toBe(leaf.leafHash);
    expect(verifyInclusion(computed, leaf.seq, first.treeSize, inclusion.body.proof.map(hex), first.root)).toBe(true);
    // a wrong index or a flipped proof hash does not verify
    expect(verifyInclusion(computed, leaf.seq + 1, first.treeSize, inclusion.body.proof.map(hex), first.root)).toBe(false);
    if (inclusion.body.proof.length > 0) {
      const bad = inclusion.body.proof.map(hex);
      bad[0][0] ^= 1;
      expect(verifyInclusion(computed, leaf.seq, first.treeSize, bad, first.root)).toBe(false);
    }
    expect((await api('GET', `/audit/proofs/inclusion?index=${first.treeSize}&treeSize=${first.treeSize}`, auditor)).status).toBe(400);

    // more happens; a later checkpoint must extend the one saved
    await registrationLeaf(await registerChild());
    const second = await checkpointCovering(first.treeSize + 1);
    const consistency = await api('GET', `/audit/proofs/consistency?from=${first.treeSize}&to=${second.treeSize}`, auditor);
    expect(consistency.status).toBe(200);
    expect(verifyConsistency(first.treeSize, second.treeSize, first.root, second.root, consistency.body.proof.map(hex))).toBe(true);
    expect(verifyConsistency(first.treeSize, second.treeSize, second.root, first.root, consistency.body.proof.map(hex))).toBe(false);

    // an export of a range, with a consistency proof from the saved checkpoint, verifies offline
    const from = Math.max(0, first.treeSize - 5);
    const exported = await fetch(`${system.api}/audit/export?from=${from}&to=${second.treeSize}&consistencyFrom=${Math.max(1, from - 1)}`,
      { headers: { authorization: `Bearer ${auditor}` } });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toContain('application/x-ndjson');
    const text = await exported.text();
    expect(text.trim().split('\n').length).toBeGreaterThanOrEqual(second.treeSize - from + 1);
    const verdict = verifyExport(text, { publicKey: key, earlierCheckpoint: [first.text] });
    expect(verdict).toMatchObject({ ok: true, treeSize: second.treeSize, from, consistentWith: [first.treeSize] });
    expect(text).not.toMatch(/Mohammed|Dadaab/);

    // the same with the command-line verifier's entry point, as an auditor would run it
    writeFileSync(join(dir, 'export.jsonl'), text);
    writeFileSync(join(dir, 'log.pub'), `${encodeVerifierKey(key)}\n`);
    writeFileSync(join(dir, 'saved.cp'), first.text);
    const out: string[] = [];
    const code = auditVerify([join(dir, 'export.jsonl'), '--public-key', join(dir, 'log.pub'), '--checkpoint', join(dir, 'saved.cp')],
      { out: (l) => out.push(l), err: (l) => out.push(l) });
    expect(out.join('\n')).toContain('VERIFIED');
    expect(code).toBe(0);

    // and an edited line is caught, naming the leaf
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('{"h"'));
    lines[at] = lines[at].replace(/"eventType":"([^"]+)"/, '"eventType":"$1x"');
    const tampered = verifyExport(lines.join('\n'), { publicKey: key });
    expect(tampered.ok).toBe(false);
    expect(tampered.firstBadLeafIndex).toBe(from);
  });

  it('records every read of the audit log in the audit log', async () => {
    const entries = await eventually(async () => {
      const r = await api('GET', `/audit/entries?actor=${auditorId}&eventType=audit-log.read&limit=500`, auditor);
      expect(r.status).toBe(200);
      const ops = r.body.items.map((e: { read?: { operation?: string } }) => e.read?.operation);
      expect(ops).toEqual(expect.arrayContaining([
        'GET /audit/subjects/:id', 'GET /audit/checkpoints/latest', 'GET /audit/proofs/inclusion', 'GET /audit/proofs/consistency', 'GET /audit/export',
      ]));
      return r.body.items;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    for (const e of entries) {
      expect(e).toMatchObject({ eventType: 'audit-log.read', reasonCode: 'audit', actor: { id: auditorId, role: 'auditor', agencyId: 'kinlink' } });
      expect(e.read.payloadVerified).toBe(true); // the leaf's payload hash commits to the operation and query shown
      expect(typeof e.index).toBe('number');
    }
    const exportRead = entries.find((e: { read: { operation: string } }) => e.read.operation === 'GET /audit/export');
    expect(exportRead.subjects).toEqual([{ type: 'audit-log', id: 'export' }]);
    expect(exportRead.summary).toMatch(new RegExp(`^audit log read \\(export, GET /audit/export\\), by ${auditorId} \\(auditor, kinlink\\), purpose: audit$`));
    // cursor pagination walks the same entries in log order
    const first = await api('GET', `/audit/entries?actor=${auditorId}&eventType=audit-log.read&limit=2`, auditor);
    expect(first.body.items).toHaveLength(2);
    const next = await api('GET', `/audit/entries?actor=${auditorId}&eventType=audit-log.read&limit=2&cursor=${first.body.nextCursor}`, auditor);
    expect(next.body.items[0].index).toBeGreaterThan(first.body.items[1].index);
    expect([...first.body.items, ...next.body.items].map((e: { index: number }) => e.index)).toEqual(entries.slice(0, 4).map((e: { index: number }) => e.index));
    // and a subject's history reads as what changed, who and why
    const child = entries.find((e: { read: { query?: { subject?: string } } }) => e.read.query?.subject)?.read.query.subject;
    const history = await api('GET', `/audit/subjects/${child}`, auditor);
    expect(history.body.verification.valid).toBe(true);
    expect(history.body.entries[0].summary).toMatch(/^child registered, by agency:unhcr \(agency, unhcr\)/);
    expect(history.body.entries.some((e: { eventType: string }) => e.eventType === 'audit-log.read')).toBe(false);
  });
});

import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MatchingEngine } from '@kinlink/matching-engine';
import { readSealedSnapshot, readSnapshotHeader, SnapshotUnusable, writeSealedSnapshot } from './sealed-snapshot-file';

describe('sealed snapshot file', () => {
  let dir: string;
  const dek = randomBytes(32);
  const meta = { keySubject: 'matching.snapshot/k1', keyId: 'k1', createdAt: '2026-12-07T00:00:00.000Z', hwm: '42', source: 'kinlink/16384' };
  const engine = new MatchingEngine();
  engine.upsert({ id: 'c1', side: 'child', agencyId: 'A', consentForTracing: true, name: { given: 'Zebulonia', family: 'Quarantotto' }, dateOfBirth: '2014-03-05' });
  engine.upsert({ id: 't1#1', side: 'sought', agencyId: 'B', groupId: 't1', consentForTracing: true, name: { given: 'Zebulonya', family: 'Quarantoto' }, dateOfBirth: '2014' });

  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'kinlink-snap-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const reject = async (file: string, key: Buffer | undefined, reason: SnapshotUnusable['reason']) => {
    await expect(readSealedSnapshot(file, async () => key)).rejects.toMatchObject({ reason });
  };

  it('round-trips, holds no name in clear, and the restored engine answers as the original', async () => {
    const file = path.join(dir, 's.sealed');
    const { written } = await writeSealedSnapshot(file, engine.snapshot(), meta, dek);
    expect(written).toBe(true);
    const raw = readFileSync(file);
    for (const name of ['Zebulon', 'Quarantot', 'zebulon', 'quarantot']) expect(raw.includes(Buffer.from(name))).toBe(false);
    expect(readdirSync(dir)).toEqual(['s.sealed']); // no temporary file left
    expect(await readSnapshotHeader(file)).toMatchObject({ ...meta, formatVersion: 1, modelVersion: engine.modelVersion });
    const { header, snapshot } = await readSealedSnapshot(file, async (h) => (h.keyId === 'k1' ? dek : undefined));
    expect(header.hwm).toBe('42');
    const restored = MatchingEngine.restore(snapshot, {}, { adopt: true });
    const q = { id: 'q', side: 'sought' as const, agencyId: 'B', consentForTracing: true, name: { given: 'Zebulonia', family: 'Quarantotto' } };
    expect(restored.match(q, { minProbability: 0 })).toEqual(engine.match(q, { minProbability: 0 }));
  });

  it('refuses a missing key, another key, an altered body or header, a truncated file — nothing decrypted is returned', async () => {
    const file = path.join(dir, 's.sealed');
    await writeSealedSnapshot(file, engine.snapshot(), meta, dek);
    await reject(file, undefined, 'key-gone');
    await reject(file, randomBytes(32), 'authentication-failed');
    const good = readFileSync(file);
    const body = Buffer.from(good);
    body[body.length - 40] ^= 1;
    writeFileSync(file, body);
    await reject(file, dek, 'authentication-failed');
    // the header is associated data: a changed high-water mark (same length) does not authenticate
    writeFileSync(file, Buffer.from(good.toString('latin1').replace('"hwm":"42"', '"hwm":"99"'), 'latin1'));
    await reject(file, dek, 'authentication-failed');
    writeFileSync(file, good.subarray(0, good.length - 100));
    await reject(file, dek, 'malformed');
    writeFileSync(file, 'not a snapshot');
    await reject(file, dek, 'malformed');
    await reject(path.join(dir, 'none'), dek, 'missing');
  });

  it('leaves no file when the write is no longer wanted (an erasure came in meanwhile)', async () => {
    const file = path.join(dir, 's.sealed');
    const { written } = await writeSealedSnapshot(file, engine.snapshot(), meta, dek, () => false);
    expect(written).toBe(false);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});

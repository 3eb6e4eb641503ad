import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  buildExport, encodeVerifierKey, generateSigningKey, leafHash, MemoryMerkleStore, signCheckpoint, verifierKeyToPem,
} from '../index';
import { sampleLeaf } from '../testing/fixtures';
import { main } from './verify';

const ORIGIN = 'kinlink.test/cli';
const key = generateSigningKey(ORIGIN);
const store = new MemoryMerkleStore();
const leaves = Array.from({ length: 120 }, (_, i) => sampleLeaf(i));
leaves.forEach((l) => store.append(leafHash(l)));
const cp = (n: number): string => signCheckpoint({ origin: ORIGIN, treeSize: n, rootHash: store.root(n) }, key);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
  writeFileSync(join(dir, 'log.pub'), `${encodeVerifierKey(key)}\n`);
  writeFileSync(join(dir, 'log.pem'), verifierKeyToPem(key));
  writeFileSync(join(dir, 'saved-40.cp'), cp(40));
  writeFileSync(join(dir, 'export.jsonl'), buildExport({ checkpoint: cp(120), leaves, checkpoints: [cp(40), cp(80)] }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...argv: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('audit:verify CLI', () => {
  it('verifies, checks a saved checkpoint and saves the new one', () => {
    const f = (n: string): string => join(dir, n);
    const r = run(f('export.jsonl'), '--public-key', f('log.pub'), '--checkpoint', f('saved-40.cp'), '--save-checkpoint', f('new.cp'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('audit export: VERIFIED');
    expect(r.out).toContain('tree size:      120');
    expect(r.out).toContain('consistent with your saved checkpoint(s) at size 40');
    expect(readFileSync(f('new.cp'), 'utf8')).toBe(cp(120));
    // key as text, and as PEM (name taken from --key-name or the export)
    expect(run(f('export.jsonl'), '--public-key', encodeVerifierKey(key)).code).toBe(0);
    expect(run(f('export.jsonl'), '--public-key', f('log.pem'), '--key-name', ORIGIN).code).toBe(0);
    expect(run(f('export.jsonl'), '--public-key', f('log.pem')).code).toBe(0);
  });

  it('names the first bad leaf index and exits non-zero', () => {
    const text = readFileSync(join(dir, 'export.jsonl'), 'utf8');
    writeFileSync(join(dir, 'bad.jsonl'), text.replace('"i":57,', '"i":58,'));
    const r = run(join(dir, 'bad.jsonl'), '--public-key', join(dir, 'log.pub'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('audit export: FAILED (sequence)');
    expect(r.out).toContain('first bad leaf index: 57');
    const json = run(join(dir, 'bad.jsonl'), '--public-key', join(dir, 'log.pub'), '--json');
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, firstBadLeafIndex: 57 });
  });

  it('usage and I/O errors exit 2', () => {
    expect(run().code).toBe(2);
    expect(run(join(dir, 'export.jsonl')).code).toBe(2); // no key
    expect(run(join(dir, 'missing.jsonl'), '--public-key', join(dir, 'log.pub')).code).toBe(2);
    expect(run(join(dir, 'export.jsonl'), '--public-key', join(dir, 'log.pub'), '--bogus').code).toBe(2);
  });

  it('runs as the npm script entry point', () => {
    const root = resolve(__dirname, '../../../..');
    const p = spawnSync(process.execPath, ['-r', '@swc-node/register', 'libs/audit-log/src/cli/verify.ts', join(dir, 'export.jsonl'), '--public-key', join(dir, 'log.pub')], { cwd: root, encoding: 'utf8' });
    expect(p.stdout).toContain('VERIFIED');
    expect(p.status).toBe(0);
    const bad = spawnSync(process.execPath, ['-r', '@swc-node/register', 'libs/audit-log/src/cli/verify.ts', join(dir, 'bad.jsonl'), '--public-key', join(dir, 'log.pub')], { cwd: root, encoding: 'utf8' });
    expect(bad.status).toBe(1);
  }, 30000);
});

/**
 * Audit-log benchmark: `npm run bench:audit` (AUDIT_BENCH_LEAVES=1000000, AUDIT_BENCH_EXPORT=100000).
 *
 *  1. append throughput into MerkleAccumulator (precomputed leaf hashes, and the full sequencer
 *     path: canonical encode + leaf hash + append), with a signed checkpoint every 1,000 leaves;
 *  2. checkpoint cost (root + Ed25519 sign, and verify) at 1M leaves;
 *  3. inclusion / consistency proof sizes and timings at 1M leaves (MemoryMerkleStore);
 *  4. building and verifying an export of 100k leaves.
 *
 * Prints a table and writes bench/results/audit.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  AuditLeaf, buildExport, consistencyProofPlan, encodeLeaf, generateSigningKey, hashLeaf, inclusionProofPlan,
  MemoryMerkleStore, MerkleAccumulator, signCheckpoint, toVerifierKey, verifyCheckpoint, verifyConsistency,
  verifyExport, verifyInclusion,
} from '../../libs/audit-log/src';
import { sha256 } from '../../libs/audit-log/src/hash';
import { mulberry, sampleLeaf } from '../../libs/audit-log/src/testing/fixtures';

const loadAtStart = loadavg()[0];
const N = Number(process.env.AUDIT_BENCH_LEAVES ?? 1_000_000);
const EXPORT_N = Number(process.env.AUDIT_BENCH_EXPORT ?? 100_000);
const CHECKPOINT_EVERY = 1000;
const ORIGIN = 'kinlink.example/audit';
const key = generateSigningKey(ORIGIN);
const verifier = toVerifierKey(key);

const now = (): number => Number(process.hrtime.bigint()) / 1e6; // ms
const stats = (xs: number[]): { min: number; max: number; mean: number; p50: number; p99: number } => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { min: s[0], max: s[s.length - 1], mean: xs.reduce((a, b) => a + b, 0) / xs.length, p50: q(0.5), p99: q(0.99) };
};
const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;

// ---- 1. append throughput -------------------------------------------------------------------
const hashes = Buffer.allocUnsafe(N * 32);
for (let i = 0; i < N; i++) sha256(Buffer.from(`leaf ${i}`)).copy(hashes, i * 32);
const leafHashAt = (i: number): Buffer => hashes.subarray(i * 32, i * 32 + 32);

let t0 = now();
const pure = new MerkleAccumulator();
for (let i = 0; i < N; i++) pure.append(leafHashAt(i));
const pureRoot = pure.root();
const pureMs = now() - t0;

// Full sequencer path: build the canonical leaf, hash, append, checkpoint every 1,000 leaves.
const templates: AuditLeaf[] = Array.from({ length: 10_000 }, (_, i) => sampleLeaf(i));
const seq = new MerkleAccumulator();
const cpTimes: number[] = [];
let lastCheckpoint = '';
t0 = now();
for (let i = 0; i < N; i++) {
  const leaf: AuditLeaf = { ...templates[i % templates.length], seq: i };
  seq.append(hashLeaf(encodeLeaf(leaf)));
  if (seq.size % CHECKPOINT_EVERY === 0) {
    const c0 = now();
    lastCheckpoint = signCheckpoint({ origin: ORIGIN, treeSize: seq.size, rootHash: seq.root(), timestamp: new Date() }, key);
    cpTimes.push(now() - c0);
  }
}
const seqMs = now() - t0;

// Checkpoint cost at N leaves, isolated.
const signAt: number[] = [];
const verifyAt: number[] = [];
for (let r = 0; r < 200; r++) {
  let c0 = now();
  const text = signCheckpoint({ origin: ORIGIN, treeSize: seq.size, rootHash: seq.root(), timestamp: new Date() }, key);
  signAt.push(now() - c0);
  c0 = now();
  verifyCheckpoint(text, verifier);
  verifyAt.push(now() - c0);
}
const frontierSize = seq.frontier().length;

// ---- 3. proofs at N leaves ------------------------------------------------------------------
t0 = now();
const store = new MemoryMerkleStore();
for (let i = 0; i < N; i++) store.append(leafHashAt(i));
const storeMs = now() - t0;
if (!store.root().equals(pureRoot)) throw new Error('store and accumulator disagree');

const rnd = mulberry(1);
const incl = { len: [] as number[], nodes: [] as number[], genUs: [] as number[], verUs: [] as number[] };
for (let r = 0; r < 2000; r++) {
  const index = r === 0 ? 0 : r === 1 ? N - 1 : Math.floor(rnd() * N);
  let c0 = now();
  const proof = store.inclusionProof(index, N);
  incl.genUs.push((now() - c0) * 1000);
  c0 = now();
  if (!verifyInclusion(leafHashAt(index), index, N, proof, pureRoot)) throw new Error('inclusion proof failed');
  incl.verUs.push((now() - c0) * 1000);
  incl.len.push(proof.length);
  incl.nodes.push(inclusionProofPlan(index, N).nodes.length);
}
const cons = { len: [] as number[], nodes: [] as number[], genUs: [] as number[], verUs: [] as number[] };
const consLast = { len: [] as number[] };
for (let r = 0; r < 2000; r++) {
  const m = 1 + Math.floor(rnd() * (N - 1));
  let c0 = now();
  const proof = store.consistencyProof(m, N);
  cons.genUs.push((now() - c0) * 1000);
  c0 = now();
  if (!verifyConsistency(m, N, store.root(m), pureRoot, proof)) throw new Error('consistency proof failed');
  cons.verUs.push((now() - c0) * 1000);
  cons.len.push(proof.length);
  cons.nodes.push(consistencyProofPlan(m, N).nodes.length);
}
for (let m = N - CHECKPOINT_EVERY; m > 0 && m > N - 50 * CHECKPOINT_EVERY; m -= CHECKPOINT_EVERY) {
  consLast.len.push(store.consistencyProof(m, N).length);
}

// ---- 4. export of EXPORT_N leaves -----------------------------------------------------------
const exLeaves = Array.from({ length: EXPORT_N }, (_, i) => sampleLeaf(i));
const exStore = new MemoryMerkleStore();
for (const l of exLeaves) exStore.append(hashLeaf(encodeLeaf(l)));
const exCp = (n: number): string => signCheckpoint({ origin: ORIGIN, treeSize: n, rootHash: exStore.root(n) }, key);
const exCheckpoints: string[] = [];
for (let s = CHECKPOINT_EVERY; s < EXPORT_N; s += CHECKPOINT_EVERY) exCheckpoints.push(exCp(s));
t0 = now();
const exportText = buildExport({ checkpoint: exCp(EXPORT_N), leaves: exLeaves, checkpoints: exCheckpoints });
const buildMs = now() - t0;
const exportBytes = Buffer.from(exportText);
const verifyRuns: number[] = [];
for (let r = 0; r < 3; r++) {
  t0 = now();
  const res = verifyExport(exportBytes, { publicKey: verifier, earlierCheckpoint: [exCp(Math.floor(EXPORT_N / 2))] });
  verifyRuns.push(now() - t0);
  if (!res.ok) throw new Error(`export did not verify: ${res.error}`);
}
const verifyMs = Math.min(...verifyRuns);

// ---- report ---------------------------------------------------------------------------------
const cp = stats(cpTimes);
const sign = stats(signAt);
const ver = stats(verifyAt);
const il = stats(incl.len);
const cl = stats(cons.len);
const results = {
  command: 'npm run bench:audit',
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGb: round(totalmem() / 2 ** 30), node: process.version, platform: process.platform, loadAvg1mAtStart: round(loadAtStart, 2) },
  date: new Date().toISOString(),
  leaves: N,
  append: {
    accumulatorOnlyLeavesPerSec: Math.round(N / (pureMs / 1000)),
    fullPathLeavesPerSec: Math.round(N / (seqMs / 1000)),
    fullPathNote: 'canonical encode + SHA-256 leaf hash + append + a signed checkpoint every 1,000 leaves',
    frontierHashesAtN: frontierSize,
    storeWithNodesLeavesPerSec: Math.round(N / (storeMs / 1000)),
  },
  checkpoint: {
    every: CHECKPOINT_EVERY,
    inRunMs: { mean: round(cp.mean, 3), p99: round(cp.p99, 3) },
    signAtNMs: { mean: round(sign.mean, 3), p99: round(sign.p99, 3) },
    verifyMs: { mean: round(ver.mean, 3), p99: round(ver.p99, 3) },
    bytes: Buffer.byteLength(lastCheckpoint),
  },
  inclusionProof: {
    treeSize: N,
    hashes: { min: il.min, max: il.max, mean: round(il.mean, 2) },
    bytesMax: il.max * 32,
    storedNodesFetchedMax: Math.max(...incl.nodes),
    generateUs: round(stats(incl.genUs).mean),
    verifyUs: round(stats(incl.verUs).mean),
  },
  consistencyProof: {
    treeSize: N,
    hashes: { min: cl.min, max: cl.max, mean: round(cl.mean, 2) },
    bytesMax: cl.max * 32,
    fromRecentCheckpointsHashes: { min: Math.min(...consLast.len), max: Math.max(...consLast.len) },
    storedNodesFetchedMax: Math.max(...cons.nodes),
    generateUs: round(stats(cons.genUs).mean),
    verifyUs: round(stats(cons.verUs).mean),
  },
  export: {
    leaves: EXPORT_N,
    bytes: exportBytes.length,
    buildMs: Math.round(buildMs),
    verifyMs: Math.round(verifyMs),
    verifyLeavesPerSec: Math.round(EXPORT_N / (verifyMs / 1000)),
    interleavedCheckpoints: exCheckpoints.length,
  },
};

const rows: Array<[string, string]> = [
  ['machine', `${results.machine.cpus} cores, ${results.machine.model}, node ${results.machine.node}, load ${results.machine.loadAvg1mAtStart}`],
  [`append, accumulator only (${N.toLocaleString('en')} leaf hashes)`, `${results.append.accumulatorOnlyLeavesPerSec.toLocaleString('en')} leaves/s`],
  ['append, full path (encode + hash + append + checkpoint/1k)', `${results.append.fullPathLeavesPerSec.toLocaleString('en')} leaves/s`],
  ['append into MemoryMerkleStore (keeps all nodes)', `${results.append.storeWithNodesLeavesPerSec.toLocaleString('en')} leaves/s`],
  ['accumulator memory at N', `${frontierSize} hashes (${frontierSize * 32} bytes)`],
  [`checkpoint at ${N.toLocaleString('en')}: root + Ed25519 sign`, `${results.checkpoint.signAtNMs.mean} ms mean (p99 ${results.checkpoint.signAtNMs.p99})`],
  ['checkpoint verify', `${results.checkpoint.verifyMs.mean} ms mean (p99 ${results.checkpoint.verifyMs.p99})`],
  ['checkpoint size', `${results.checkpoint.bytes} bytes`],
  [`inclusion proof at ${N.toLocaleString('en')}`, `${il.min}-${il.max} hashes (mean ${results.inclusionProof.hashes.mean}, max ${il.max * 32} B); gen ${results.inclusionProof.generateUs} us, verify ${results.inclusionProof.verifyUs} us`],
  [`consistency proof (random m) to ${N.toLocaleString('en')}`, `${cl.min}-${cl.max} hashes (mean ${results.consistencyProof.hashes.mean}, max ${cl.max * 32} B); gen ${results.consistencyProof.generateUs} us, verify ${results.consistencyProof.verifyUs} us`],
  ['consistency proof from the last 50 checkpoints', `${results.consistencyProof.fromRecentCheckpointsHashes.min}-${results.consistencyProof.fromRecentCheckpointsHashes.max} hashes`],
  [`export of ${EXPORT_N.toLocaleString('en')} leaves: build`, `${results.export.buildMs} ms, ${(results.export.bytes / 2 ** 20).toFixed(1)} MiB, ${exCheckpoints.length} interleaved checkpoints`],
  [`export of ${EXPORT_N.toLocaleString('en')} leaves: verify`, `${results.export.verifyMs} ms (${results.export.verifyLeavesPerSec.toLocaleString('en')} leaves/s)`],
];
const w = Math.max(...rows.map(([k]) => k.length));
console.log(`\naudit-log benchmark (${results.date})`);
for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);

const outDir = join(__dirname, '..', 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'audit.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${join('bench', 'results', 'audit.json')}`);

/**
 * Latency probe: loads N records per side, then times candidate gathering
 * alone and full matching for a sample of records (for profiling with
 * node --cpu-prof).   node -r @swc-node/register bench/matching/probe.ts [perSide] [queries]
 * PROBE_AB=1: also time match() with and without competing candidates, interleaved
 *   (PROBE_AB=both-sides: with rivals from the query's side only vs from both sides).
 * PROBE_AB=narrow: the ND/FY keys' blocks visited whatever their size vs capped (narrowBlockCap), on one index.
 * PROBE_AB=family: every key vote in full (repeatFamilyVote 1, as before) vs the default
 *   discount of a record's repeated votes from one key family; also pairs scored per match.
 * PROBE_AB=candidates PROBE_CANDIDATES=800[,1000…]: the default candidate cut vs each other one
 *   (maxCandidates per side), on the same index; also pairs scored per match.
 * PROBE_AB=model PROBE_MODEL=file.json: the shipped model vs that model file on the same index
 *   (setModel between queries), interleaved; also pairs scored per match.
 * PROBE_AB=1.3: a second index as before kinlink-fs-1.3.0 (no father-name keys, rivals from the
 *   query's side only) next to the default one; match() on both interleaved, postings and index bytes.
 * PROBE_BASE=<checkout>: the same, but the second index is built by another checkout's engine (e.g. a
 *   `git worktree` of the commit before a change): a same-process, interleaved A/B of two versions.
 *   The engine built second measures faster in an A/A run (the same code from two checkouts: ≈ 0.8),
 *   so run both orders: PROBE_BASE_LAST=1 builds the base engine second.
 */
import * as path from 'path';
import { performance } from 'perf_hooks';
import { defaultMatchModel, MatchingEngine } from '../../libs/matching-engine/src/engine';
import { loadModel } from '../../libs/matching-engine/src/model';
import { MatchRecord } from '../../libs/matching-engine/src/types';
import { forEachRecord } from './generator';

const size = Number(process.argv[2] ?? 200000);
const nq = Number(process.argv[3] ?? 300);
import * as v8 from 'v8';
import * as vm from 'vm';
v8.setFlagsFromString('--expose-gc');
const gc: () => void = vm.runInNewContext('gc');
const ab13 = process.env.PROBE_AB === '1.3';
const heapNow = () => { gc(); const m = process.memoryUsage(); return m.heapUsed + m.external; };
const qs: MatchRecord[] = [];
const baseDir = process.env.PROBE_BASE;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const BaseEngine: typeof MatchingEngine = baseDir ? require(path.resolve(baseDir, 'libs/matching-engine/src/engine')).MatchingEngine : MatchingEngine;
function build(options: ConstructorParameters<typeof MatchingEngine>[0], keep: boolean, Engine: typeof MatchingEngine = MatchingEngine): { engine: MatchingEngine; bytes: number } {
  const m0 = heapNow();
  const engine = new Engine(options);
  forEachRecord(7, size, (r, f) => {
    engine.upsert(r);
    if (keep && f % 97 === 0 && qs.length < nq) qs.push(r);
  });
  return { engine, bytes: heapNow() - m0 };
}
// PROBE_BEFORE=keys: the other index differs only by the father-name keys (rivals from both sides on in both)
const baseLast = process.env.PROBE_BASE_LAST === '1';
let before = baseDir && !baseLast ? build({}, false, BaseEngine) : ab13 ? build(process.env.PROBE_BEFORE === 'keys' ? { fatherNameKeys: false } : { fatherNameKeys: false, competingFromBothSides: false }, false) : null;
const built = build({}, true);
if (baseDir && baseLast) before = build({}, false, BaseEngine);
const e = built.engine;
const [labelA, labelB] = baseDir ? [`base (${baseDir})`, 'this checkout'] : ['before 1.3.0', '1.3.0'];
if (before) {
  const st = (x: MatchingEngine) => x.stats();
  const a = st(before.engine), b = st(e);
  console.log(`index ${labelA}: ${(before.bytes / 2 ** 20).toFixed(1)} MiB, postings ${a.postingsChild + a.postingsSought}, posting bytes ${a.indexBytes}` +
    ` | ${labelB}: ${(built.bytes / 2 ** 20).toFixed(1)} MiB, postings ${b.postingsChild + b.postingsSought}, posting bytes ${b.indexBytes}`);
}
import * as inspector from 'inspector';
import * as fs from 'fs';
const session = new inspector.Session();
const post = (m: string, a?: object) => new Promise<any>((res, rej) => session.post(m, a ?? {}, (err, r) => (err ? rej(err) : res(r)))); // eslint-disable-line @typescript-eslint/no-explicit-any
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * xs.length)];
/**
 * A/B of two settings of one engine on the same index (`set(0)` / `set(1)`), interleaved query by
 * query and alternating which goes first, so both see the same machine load; leaves setting 0 on.
 */
function toggleAB([a, b]: [string, string], set: (k: 0 | 1) => void): void {
  const t: number[][] = [[], []];
  for (let round = 0; round < 3; round++) {
    qs.forEach((r, i) => {
      for (const k of (i % 2 === 0 ? [0, 1] : [1, 0]) as (0 | 1)[]) {
        set(k);
        const s = performance.now();
        e.match(r);
        t[k].push(performance.now() - s);
      }
    });
  }
  const perQuery = (k: 0 | 1) => { set(k); const n0 = e.pairsScored; for (const r of qs) e.match(r); return (e.pairsScored - n0) / qs.length; };
  console.log(`pairs scored per match: ${a} ${perQuery(0).toFixed(1)} | ${b} ${perQuery(1).toFixed(1)}`);
  set(0);
  console.log(`A/B match (${t[0].length} each): ${a} p50 ${q(t[0], 0.5).toFixed(2)} p95 ${q(t[0], 0.95).toFixed(2)} | ${b} p50 ${q(t[1], 0.5).toFixed(2)} p95 ${q(t[1], 0.95).toFixed(2)} | p50 ratio ${(q(t[1], 0.5) / q(t[0], 0.5)).toFixed(3)} p95 ratio ${(q(t[1], 0.95) / q(t[0], 0.95)).toFixed(3)}`);
}
async function main() {
if (process.env.PROBE_PROFILE) { session.connect(); await post('Profiler.enable'); await post('Profiler.start'); }
const tg: number[] = [], tm: number[] = [];
for (const r of qs) { const s = performance.now(); e.candidateIds(r); tg.push(performance.now() - s); }
for (const r of qs) { const s = performance.now(); e.match(r); tm.push(performance.now() - s); }
console.log(`gather p50 ${q(tg, 0.5).toFixed(2)} p95 ${q(tg, 0.95).toFixed(2)} | match p50 ${q(tm, 0.5).toFixed(2)} p95 ${q(tm, 0.95).toFixed(2)}`);
if (before) {
  const base = before;
  // the base engine's code has not run yet (this one's has, above): warm it up alike
  for (const r of qs) { base.engine.candidateIds(r); base.engine.match(r); }
  // interleaved query by query, alternating which engine goes first
  const old: number[] = [], cur: number[] = [];
  for (let round = 0; round < 3; round++) {
    qs.forEach((r, i) => {
      for (const which of i % 2 === 0 ? [0, 1] : [1, 0]) {
        const s = performance.now();
        (which === 0 ? before.engine : e).match(r);
        (which === 0 ? old : cur).push(performance.now() - s);
      }
    });
  }
  const perQuery = (x: MatchingEngine) => { const n0 = x.pairsScored; for (const r of qs) x.match(r); return (x.pairsScored - n0) / qs.length; };
  if (baseDir) {
    // two versions of one engine: do they answer alike? (the same candidates and kinds; how far apart the probabilities)
    let lists = 0, probs = 0, maxDiff = 0;
    for (const r of qs) {
      const x = before.engine.match(r, { explain: false }), y = e.match(r, { explain: false });
      if (x.map((c) => c.otherId + c.kind).join() !== y.map((c) => c.otherId + c.kind).join()) { lists++; continue; }
      const d = Math.max(0, ...x.map((c, i) => Math.abs(c.probability - y[i].probability)));
      if (d > 0) probs++;
      maxDiff = Math.max(maxDiff, d);
    }
    console.log(`answers: candidate lists differ for ${lists} of ${qs.length} queries; probabilities differ for ${probs} (max |Δp| ${maxDiff.toExponential(2)})`);
  }
  console.log(`pairs scored per match: ${labelA} ${perQuery(before.engine).toFixed(1)} | ${labelB} ${perQuery(e).toFixed(1)}`);
  console.log(`A/B match (${old.length} each): ${labelA} p50 ${q(old, 0.5).toFixed(2)} p95 ${q(old, 0.95).toFixed(2)} | ${labelB} p50 ${q(cur, 0.5).toFixed(2)} p95 ${q(cur, 0.95).toFixed(2)} | p50 ratio ${(q(cur, 0.5) / q(old, 0.5)).toFixed(3)} p95 ratio ${(q(cur, 0.95) / q(old, 0.95)).toFixed(3)}`);
} else if (process.env.PROBE_AB) {
  const mode = process.env.PROBE_AB;
  if (mode === 'model') {
    const models = [defaultMatchModel(), loadModel(JSON.parse(fs.readFileSync(process.env.PROBE_MODEL!, 'utf8')))];
    toggleAB(models.map((m) => m.json.modelVersion) as [string, string], (k) => e.setModel(models[k]));
  } else if (mode === 'narrow') {
    // the narrow keys' (ND, FY) blocks visited whatever their size vs only up to the cap
    const dflt = e.narrowBlockCap;
    toggleAB(['narrow keys uncapped', `narrow keys capped at ${dflt}`], (k) => { e.narrowBlockCap = k === 0 ? Infinity : dflt; });
  } else if (mode === 'family') {
    const dflt = e.repeatFamilyVote;
    toggleAB(['full votes', `family discount ${dflt}`], (k) => { e.repeatFamilyVote = k === 0 ? 1 : dflt; });
  } else if (mode === 'candidates') {
    const dflt = e.maxCandidates;
    for (const other of (process.env.PROBE_CANDIDATES ?? '800').split(',').map(Number)) {
      toggleAB([`${dflt} candidates`, `${other} candidates`], (k) => { e.maxCandidates = k === 0 ? dflt : other; });
    }
  } else if (mode === 'both-sides') {
    toggleAB(["rivals from the query's side", 'both sides'], (k) => { e.bothSides = k === 1; });
  } else {
    toggleAB(['pair-by-pair', 'one-to-one'], (k) => { e.competing = k === 1; });
  }
}
if (process.env.PROBE_PROFILE) fs.writeFileSync(process.env.PROBE_PROFILE, JSON.stringify((await post('Profiler.stop')).profile));
}
void main();

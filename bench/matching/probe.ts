/**
 * Latency probe: loads N records per side, then times candidate gathering
 * alone and full matching for a sample of records (for profiling with
 * node --cpu-prof).   node -r @swc-node/register bench/matching/probe.ts [perSide] [queries]
 * PROBE_AB=1: also time match() with and without competing candidates, interleaved
 *   (PROBE_AB=both-sides: with rivals from the query's side only vs from both sides).
 * PROBE_AB=family: every key vote in full (repeatFamilyVote 1, as before) vs the default
 *   discount of a record's repeated votes from one key family; also pairs scored per match.
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
import { generateFamily } from './generator';

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
  const counters = { child: 0, request: 0 };
  let nc = 0, ns = 0, f = 0;
  while (nc < size || ns < size) {
    for (const r of generateFamily(7, f, counters).records) {
      if (r.side === 'child' ? nc >= size : ns >= size) continue;
      engine.upsert(r);
      if (r.side === 'child') nc++; else ns++;
      if (keep && f % 97 === 0 && qs.length < nq) qs.push(r);
    }
    f++;
  }
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
} else if (process.env.PROBE_AB === 'model') {
  const models = [defaultMatchModel(), loadModel(JSON.parse(fs.readFileSync(process.env.PROBE_MODEL!, 'utf8')))];
  const t: number[][] = [[], []];
  for (let round = 0; round < 3; round++) {
    qs.forEach((r, i) => {
      for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) {
        e.setModel(models[k]);
        const s = performance.now();
        e.match(r);
        t[k].push(performance.now() - s);
      }
    });
  }
  const perQuery = (k: number) => { e.setModel(models[k]); const n0 = e.pairsScored; for (const r of qs) e.match(r); return (e.pairsScored - n0) / qs.length; };
  const [a, b] = models.map((m) => m.json.modelVersion);
  console.log(`pairs scored per match: ${a} ${perQuery(0).toFixed(1)} | ${b} ${perQuery(1).toFixed(1)}`);
  e.setModel(models[0]);
  console.log(`A/B match (${t[0].length} each): ${a} p50 ${q(t[0], 0.5).toFixed(2)} p95 ${q(t[0], 0.95).toFixed(2)} | ${b} p50 ${q(t[1], 0.5).toFixed(2)} p95 ${q(t[1], 0.95).toFixed(2)} | p50 ratio ${(q(t[1], 0.5) / q(t[0], 0.5)).toFixed(3)} p95 ratio ${(q(t[1], 0.95) / q(t[0], 0.95)).toFixed(3)}`);
} else if (process.env.PROBE_AB === 'family') {
  const dflt = e.repeatFamilyVote;
  const full: number[] = [], disc: number[] = [];
  for (let round = 0; round < 3; round++) {
    qs.forEach((r, i) => {
      for (const d of i % 2 === 0 ? [false, true] : [true, false]) {
        e.repeatFamilyVote = d ? dflt : 1;
        const s = performance.now();
        e.match(r);
        (d ? disc : full).push(performance.now() - s);
      }
    });
  }
  const perQuery = (w: number) => { e.repeatFamilyVote = w; const n0 = e.pairsScored; for (const r of qs) e.match(r); return (e.pairsScored - n0) / qs.length; };
  console.log(`pairs scored per match: full votes ${perQuery(1).toFixed(1)} | family discount ${dflt} ${perQuery(dflt).toFixed(1)}`);
  e.repeatFamilyVote = dflt;
  console.log(`A/B match (${full.length} each): full votes p50 ${q(full, 0.5).toFixed(2)} p95 ${q(full, 0.95).toFixed(2)} | family discount p50 ${q(disc, 0.5).toFixed(2)} p95 ${q(disc, 0.95).toFixed(2)} | p50 ratio ${(q(disc, 0.5) / q(full, 0.5)).toFixed(3)} p95 ratio ${(q(disc, 0.95) / q(full, 0.95)).toFixed(3)}`);
} else if (process.env.PROBE_AB) {
  // A/B of the one-to-one adjustment on the same index, interleaved query by query (alternating
  // which goes first) so both see the same machine load
  const off: number[] = [], on: number[] = [];
  for (let round = 0; round < 3; round++) {
    qs.forEach((r, i) => {
      for (const c of i % 2 === 0 ? [false, true] : [true, false]) {
        if (process.env.PROBE_AB === 'both-sides') e.bothSides = c; else e.competing = c;
        const s = performance.now();
        e.match(r);
        (c ? on : off).push(performance.now() - s);
      }
    });
  }
  e.competing = true;
  e.bothSides = true;
  if (process.env.PROBE_AB === 'both-sides') console.log(`A/B match (${off.length} each): rivals from the query's side p50 ${q(off, 0.5).toFixed(2)} p95 ${q(off, 0.95).toFixed(2)} | both sides p50 ${q(on, 0.5).toFixed(2)} p95 ${q(on, 0.95).toFixed(2)} | p50 ratio ${(q(on, 0.5) / q(off, 0.5)).toFixed(3)} p95 ratio ${(q(on, 0.95) / q(off, 0.95)).toFixed(3)}`);
  else console.log(`A/B match (${off.length} each): pair-by-pair p50 ${q(off, 0.5).toFixed(2)} p95 ${q(off, 0.95).toFixed(2)} | one-to-one p50 ${q(on, 0.5).toFixed(2)} p95 ${q(on, 0.95).toFixed(2)} | p95 ratio ${(q(on, 0.95) / q(off, 0.95)).toFixed(3)}`);
}
if (process.env.PROBE_PROFILE) fs.writeFileSync(process.env.PROBE_PROFILE, JSON.stringify((await post('Profiler.stop')).profile));
}
void main();

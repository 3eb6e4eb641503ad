/**
 * Latency probe: loads N records per side, then times candidate gathering
 * alone and full matching for a sample of records (for profiling with
 * node --cpu-prof).   node -r @swc-node/register bench/matching/probe.ts [perSide] [queries]
 * PROBE_AB=1: also time match() with and without competing candidates, interleaved
 *   (PROBE_AB=both-sides: with rivals from the query's side only vs from both sides).
 * PROBE_AB=family: every key vote in full (repeatFamilyVote 1, as before) vs the default
 *   discount of a record's repeated votes from one key family; also pairs scored per match.
 * PROBE_AB=1.3: a second index as before kinlink-fs-1.3.0 (no father-name keys, rivals from the
 *   query's side only) next to the default one; match() on both interleaved, postings and index bytes.
 * PROBE_AB=compaction: the engine of another checkout (PROBE_BEFORE_SRC = its
 *   libs/matching-engine/src/engine.ts, e.g. extracted with `git archive <commit> libs/matching-engine`)
 *   built from the same records next to this one; candidate gathering and match() of both interleaved,
 *   and whether they return the same candidates. The engine built first is measurably faster
 *   (an A/A run: ratio ≈ 0.81): run both orders (PROBE_BEFORE_LAST=1 builds the other one second).
 */
import { performance } from 'perf_hooks';
import { MatchingEngine } from '../../libs/matching-engine/src/engine';
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
const abSrc = process.env.PROBE_AB === 'compaction' ? process.env.PROBE_BEFORE_SRC : undefined;
if (process.env.PROBE_AB === 'compaction' && !abSrc) throw new Error('PROBE_AB=compaction needs PROBE_BEFORE_SRC');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const otherEngine = abSrc ? (require(abSrc) as { MatchingEngine: typeof MatchingEngine }).MatchingEngine : null;
// the engine built first runs faster here (an A/A run of one code measured "now"/"before" ≈ 0.81):
// PROBE_BEFORE_LAST=1 builds the other one second; report both orders
const otherLast = process.env.PROBE_BEFORE_LAST === '1';
let other = otherEngine && !otherLast ? build({}, false, otherEngine) : null;
const before = ab13 ? build(process.env.PROBE_BEFORE === 'keys' ? { fatherNameKeys: false } : { fatherNameKeys: false, competingFromBothSides: false }, false) : null;
const built = build({}, true);
if (otherEngine && otherLast) other = build({}, false, otherEngine);
const e = built.engine;
if (before) {
  const st = (x: MatchingEngine) => x.stats();
  const a = st(before.engine), b = st(e);
  console.log(`index before 1.3.0: ${(before.bytes / 2 ** 20).toFixed(1)} MiB, postings ${a.postingsChild + a.postingsSought}, posting bytes ${a.indexBytes}` +
    ` | 1.3.0: ${(built.bytes / 2 ** 20).toFixed(1)} MiB, postings ${b.postingsChild + b.postingsSought}, posting bytes ${b.indexBytes}`);
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
  console.log(`pairs scored per match: before ${perQuery(before.engine).toFixed(1)} | 1.3.0 ${perQuery(e).toFixed(1)}`);
  console.log(`A/B match (${old.length} each): before 1.3.0 p50 ${q(old, 0.5).toFixed(2)} p95 ${q(old, 0.95).toFixed(2)} | 1.3.0 p50 ${q(cur, 0.5).toFixed(2)} p95 ${q(cur, 0.95).toFixed(2)} | p50 ratio ${(q(cur, 0.5) / q(old, 0.5)).toFixed(3)} p95 ratio ${(q(cur, 0.95) / q(old, 0.95)).toFixed(3)}`);
} else if (other) {
  // interleaved query by query, alternating which engine goes first
  const o = other.engine;
  const ab = (f: (x: MatchingEngine, r: MatchRecord) => void) => {
    const old: number[] = [], cur: number[] = [];
    for (let round = 0; round < 5; round++) {
      qs.forEach((r, i) => {
        for (const which of i % 2 === 0 ? [0, 1] : [1, 0]) {
          const s = performance.now();
          f(which === 0 ? o : e, r);
          (which === 0 ? old : cur).push(performance.now() - s);
        }
      });
    }
    return `before p50 ${q(old, 0.5).toFixed(3)} p95 ${q(old, 0.95).toFixed(3)} | now p50 ${q(cur, 0.5).toFixed(3)} p95 ${q(cur, 0.95).toFixed(3)} | ` +
      `p50 ratio ${(q(cur, 0.5) / q(old, 0.5)).toFixed(3)} p95 ratio ${(q(cur, 0.95) / q(old, 0.95)).toFixed(3)} (${old.length} each)`;
  };
  const same = qs.filter((r) => JSON.stringify(o.candidateIds(r)) === JSON.stringify(e.candidateIds(r))).length;
  // the other engine's code has not run yet (this one's has, above): warm it up alike
  for (const r of qs) { o.candidateIds(r); o.match(r); }
  console.log(`same candidates (in order) for ${same} of ${qs.length} queries; this engine mid-migration: ${e.upkeep().migrating}; ` +
    `index ${(other.bytes / 2 ** 20).toFixed(1)} MiB before, ${(built.bytes / 2 ** 20).toFixed(1)} MiB now (posting bytes ${o.stats().indexBytes} / ${e.stats().indexBytes})`);
  console.log(`A/B gather (candidateIds, both sides): ${ab((x, r) => x.candidateIds(r))}`);
  console.log(`A/B match: ${ab((x, r) => x.match(r))}`);
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

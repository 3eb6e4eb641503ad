/**
 * What the slow matches do: loads N records per side (as probe.ts), times match() per query (best
 * of 3), and compares the slowest 5 % with the rest by candidates gathered, pairs scored and
 * the time of the query's own gathers (candidateIds, both sides).   node -r @swc-node/register bench/matching/tail.ts [perSide] [queries]
 */
import { performance } from 'perf_hooks';
import { MatchingEngine } from '../../libs/matching-engine/src/engine';
import { MatchRecord } from '../../libs/matching-engine/src/types';
import { forEachRecord } from './generator';

const size = Number(process.argv[2] ?? 300000);
const nq = Number(process.argv[3] ?? 300);
const e = new MatchingEngine();
const qs: MatchRecord[] = [];
forEachRecord(7, size, (r, f) => {
  e.upsert(r);
  if (f % 97 === 0 && qs.length < nq) qs.push(r);
});
for (const r of qs) e.match(r); // warm-up
const rows = qs.map((r) => {
  let t = Infinity;
  for (let k = 0; k < 3; k++) { const s = performance.now(); e.match(r); t = Math.min(t, performance.now() - s); }
  let g = Infinity;
  for (let k = 0; k < 3; k++) { const s = performance.now(); e.candidateIds(r); g = Math.min(g, performance.now() - s); }
  const p0 = e.pairsScored;
  const out = e.match(r);
  return { t, g, pairs: e.pairsScored - p0, cands: e.candidateIds(r).length, found: out.length, side: r.side, name: r.name.full ?? `${r.name.given ?? ''} ${r.name.family ?? ''}` };
});
rows.sort((a, b) => a.t - b.t);
const cut = Math.floor(rows.length * 0.95);
const avg = (xs: typeof rows, k: 'pairs' | 'cands' | 't' | 'g' | 'found') => xs.reduce((a, x) => a + x[k], 0) / Math.max(1, xs.length);
for (const [label, xs] of [['fastest 50 %', rows.slice(0, rows.length >> 1)], ['50–95 %', rows.slice(rows.length >> 1, cut)], ['slowest 5 %', rows.slice(cut)]] as const) {
  console.log(`${label}: ${xs.length} queries, ms ${avg(xs, 't').toFixed(2)} (query's own gathers ${avg(xs, 'g').toFixed(2)}), candidates gathered ${avg(xs, 'cands').toFixed(0)}, pairs scored ${avg(xs, 'pairs').toFixed(0)}, proposals ${avg(xs, 'found').toFixed(1)}, sought ${xs.filter((x) => x.side === 'sought').length}`);
}
for (const x of rows.slice(cut)) console.log(`  ${x.t.toFixed(2)} ms (gathers ${x.g.toFixed(2)})  ${x.side}  cands ${x.cands}  pairs ${x.pairs}  ${x.name}`);

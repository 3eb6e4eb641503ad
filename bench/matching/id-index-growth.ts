/**
 * The external-id table's growth: time of every add while N ids go in, for this checkout's IdIndex
 * and (optionally) another checkout's, interleaved in one process.
 *   node -r @swc-node/register bench/matching/id-index-growth.ts [N=2000000] [other checkout]
 * Prints, per implementation, the slowest adds (the table doubling) and the total.
 */
import * as path from 'path';
import { performance } from 'perf_hooks';
import { IdIndex } from '../../libs/matching-engine/src/idindex';

const n = Number(process.argv[2] ?? 2_000_000);
const other = process.argv[3];
// eslint-disable-next-line @typescript-eslint/no-require-imports
const OtherIndex: typeof IdIndex | undefined = other ? require(path.resolve(other, 'libs/matching-engine/src/idindex')).IdIndex : undefined;
const runs: Array<[string, IdIndex]> = [['this checkout', new IdIndex()]];
if (OtherIndex) runs.push([`other (${other})`, new OtherIndex()]);
const times = runs.map(() => new Float64Array(n));
for (let i = 0; i < n; i++) {
  // ids as the service forms them: an agency's child id, or a tracing request's sought child
  const id = i % 2 ? `c-${i.toString(36)}-agency` : `t-${(i >> 1).toString(36)}#1`;
  for (let k = 0; k < runs.length; k++) {
    const j = i % 2 ? k : runs.length - 1 - k; // alternate which goes first
    const s = performance.now();
    runs[j][1].add(id, i);
    times[j][i] = performance.now() - s;
  }
}
runs.forEach(([name, ix], j) => {
  const t = times[j];
  const slow = Array.from(t.keys()).filter((i) => t[i] > 20).map((i) => `${i}: ${t[i].toFixed(0)} ms`);
  const total = t.reduce((a, b) => a + b, 0);
  const sorted = Float64Array.from(t).sort();
  console.log(`${name}: ${n} adds in ${total.toFixed(0)} ms, max ${sorted[n - 1].toFixed(1)} ms, p99.99 ${sorted[Math.floor(n * 0.9999)].toFixed(3)} ms; adds over 20 ms: ${slow.join(', ') || 'none'}; lookups ok: ${ix.get('t-1#1') === 2}`);
});

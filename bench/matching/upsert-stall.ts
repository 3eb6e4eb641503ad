/**
 * Upsert stalls while an engine fills: N records per side from the generator (default 1M),
 * every upsert timed; p50 / p99 / p99.9 / max and the upserts over 50 ms, per compaction mode.
 *   node -r @swc-node/register bench/matching/upsert-stall.ts [perSide] [incremental|whole|both]
 * `both` fills one engine per mode, one after the other in this process (the first is released
 * first). Slow upserts are attributed to what happened during them: a compaction point (whole:
 * the whole side rebuilt; incremental: a migration started), a posting-table doubling, or
 * neither (garbage collection, a growing record heap…).
 */
import { performance } from 'perf_hooks';
import * as v8 from 'v8';
import * as vm from 'vm';
import { MatchingEngine } from '../../libs/matching-engine/src/engine';
import { CompactionMode } from '../../libs/matching-engine/src/blocking';
import { generateFamily } from './generator';

v8.setFlagsFromString('--expose-gc');
const gc: () => void = vm.runInNewContext('gc');
const size = Number(process.argv[2] ?? 1_000_000);
const which = process.argv[3] ?? 'both';
const modes: CompactionMode[] = which === 'both' ? ['whole', 'incremental'] : [which as CompactionMode];
const SLOW_MS = 50;

function fill(mode: CompactionMode): void {
  gc();
  const engine = new MatchingEngine({ compaction: mode });
  const counters = { child: 0, request: 0 };
  const times = new Float64Array(2 * size);
  const slow = { compaction: 0, rehash: 0, other: 0 };
  const worst: Array<{ ms: number; at: number; why: string }> = [];
  let n = 0, nc = 0, ns = 0, f = 0, peakBytes = 0;
  const t0 = performance.now();
  while (nc < size || ns < size) {
    for (const r of generateFamily(7, f, counters).records) {
      if (r.side === 'child' ? nc >= size : ns >= size) continue;
      const u0 = engine.upkeep();
      const s = performance.now();
      engine.upsert(r);
      const ms = performance.now() - s;
      times[n++] = ms;
      if (r.side === 'child') nc++; else ns++;
      if (n % 4096 === 0) peakBytes = Math.max(peakBytes, engine.stats().indexBytes);
      if (ms > SLOW_MS) {
        const u1 = engine.upkeep();
        const why = u1.compactions > u0.compactions ? 'compaction' : u1.rehashes > u0.rehashes ? 'rehash' : 'other';
        slow[why]++;
        worst.push({ ms, at: n, why });
      }
    }
    f++;
  }
  const seconds = (performance.now() - t0) / 1000;
  const sorted = times.slice(0, n).sort();
  const q = (p: number) => sorted[Math.min(n - 1, Math.floor(p * n))];
  const u = engine.upkeep();
  const st = engine.stats();
  worst.sort((a, b) => b.ms - a.ms);
  console.log(`${mode}: ${n} upserts (${size} per side) in ${seconds.toFixed(0)} s | upsert ms p50 ${q(0.5).toFixed(3)} p99 ${q(0.99).toFixed(3)} ` +
    `p99.9 ${q(0.999).toFixed(3)} max ${sorted[n - 1].toFixed(1)} | over ${SLOW_MS} ms: ${slow.compaction + slow.rehash + slow.other} ` +
    `(compaction ${slow.compaction}, rehash ${slow.rehash}, other ${slow.other}) | compaction points ${u.compactions}, rehashes ${u.rehashes}, ` +
    `overruns ${u.overruns} | postings ${st.postingsChild + st.postingsSought}, posting bytes ${(st.indexBytes / 2 ** 20).toFixed(0)} MiB at the end` +
    `${u.migrating ? ' (mid-migration)' : ''}, peak ${(peakBytes / 2 ** 20).toFixed(0)} MiB (sampled every 4096 upserts)`);
  console.log(`  slowest: ${worst.slice(0, 8).map((w) => `${w.ms.toFixed(0)} ms @${w.at} (${w.why})`).join(', ') || '-'}`);
}

for (const m of modes) fill(m);

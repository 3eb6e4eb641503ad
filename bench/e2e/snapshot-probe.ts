/**
 * What an engine snapshot costs and saves, without the database or the file:
 * `node -r @swc-node/register bench/e2e/snapshot-probe.ts [perSide]` — builds the index by upserts,
 * takes a snapshot, restores it, and prints the times and the snapshot's size.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { MatchingEngine, MatchRecord } from '@kinlink/matching-engine';
import { childToMatchRecord, tracingRequestToMatchRecords } from '../../apps/matching/src/matching/match-records';
import { EventStream } from './generator';

const perSide = Number(process.argv[2] ?? 100_000);
const stream = new EventStream(12345, 'bulk');
const engine = new MatchingEngine({});
let children = 0;
let sought = 0;
const t0 = performance.now();
while (children < perSide || sought < perSide) {
  const ev = stream.nextBacklog();
  const e = JSON.parse(ev.value) as { agencyId: string; agencyRecordId: string; data: unknown };
  const ref = { id: randomUUID(), agencyId: e.agencyId, agencyRecordId: e.agencyRecordId, revision: 1 };
  const isChild = ev.type === 'child.registered';
  if ((isChild && children >= perSide) || (!isChild && sought >= perSide)) continue;
  const profiles: MatchRecord[] = isChild ? [childToMatchRecord({ ...ref, record: e.data as never })] : tracingRequestToMatchRecords({ ...ref, request: e.data as never });
  for (const p of profiles) engine.upsert(p);
  if (isChild) children++;
  else sought += profiles.length;
}
const buildMs = performance.now() - t0;
// the synchronous capture as it is (append-only arrays shared) vs with every array copied (as
// before the append-only views), alternated so both see the same conditions
const shared = new Set(['records.heap', 'records.text', 'records.offsets', 'ids.text', 'ids.offsets']);
const captureMs: number[] = [];
const captureCopyAllMs: number[] = [];
for (let i = 0; i < 3; i++) {
  let t = performance.now();
  engine.snapshot();
  captureMs.push(Math.round(performance.now() - t));
  t = performance.now();
  for (const c of engine.snapshot().chunks) if (shared.has(c.name)) c.data = c.data.slice();
  captureCopyAllMs.push(Math.round(performance.now() - t));
}
const t1 = performance.now();
const snap = engine.snapshot();
const snapshotMs = performance.now() - t1;
const bytes = snap.chunks.reduce((a, c) => a + c.data.byteLength, 0);
const t2 = performance.now();
const restored = MatchingEngine.restore(snap);
const restoreMs = performance.now() - t2;
const r = (x: number) => Math.round(x);
console.log(JSON.stringify({
  records: restored.size, buildMs: r(buildMs), snapshotMs: r(snapshotMs), captureMs, captureCopyAllMs, restoreMs: r(restoreMs), snapshotMiB: r(bytes / 2 ** 20),
  largest: snap.chunks.sort((a, b) => b.data.byteLength - a.data.byteLength).slice(0, 6).map((c) => `${c.name} ${r(c.data.byteLength / 2 ** 20)} MiB`),
  rssMiB: r(process.memoryUsage().rss / 2 ** 20),
}));

/**
 * How long the matching engine takes to index N stored candidates per side, without the database:
 * `node -r @swc-node/register bench/e2e/index-load-probe.ts [perSide]`. The floor under the
 * matching service's restart (the rest is reading and parsing rows).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { MatchingEngine, MatchRecord } from '@kinlink/matching-engine';
import { childToMatchRecord, tracingRequestToMatchRecords } from '../../apps/matching/src/matching/match-records';
import { EventStream } from './generator';

const perSide = Number(process.argv[2] ?? 100_000);
const stream = new EventStream(12345, 'bulk');
const texts: string[] = [];
let children = 0;
let sought = 0;
while (children < perSide || sought < perSide) {
  const ev = stream.nextBacklog();
  const e = JSON.parse(ev.value) as { agencyId: string; agencyRecordId: string; data: unknown };
  const ref = { id: randomUUID(), agencyId: e.agencyId, agencyRecordId: e.agencyRecordId, revision: 1 };
  const isChild = ev.type === 'child.registered';
  if ((isChild && children >= perSide) || (!isChild && sought >= perSide)) continue;
  const profiles: MatchRecord[] = isChild ? [childToMatchRecord({ ...ref, record: e.data as never })] : tracingRequestToMatchRecords({ ...ref, request: e.data as never });
  for (const p of profiles) texts.push(JSON.stringify(p));
  if (isChild) children++;
  else sought += profiles.length;
}
const engine = new MatchingEngine({});
const t0 = performance.now();
let parse = 0;
for (const t of texts) {
  const a = performance.now();
  const p = JSON.parse(t) as MatchRecord;
  parse += performance.now() - a;
  engine.upsert(p);
}
const ms = performance.now() - t0;
console.log(JSON.stringify({ records: texts.length, totalMs: Math.round(ms), parseMs: Math.round(parse), usPerRecord: Math.round((ms * 1000) / texts.length), heapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20) }));

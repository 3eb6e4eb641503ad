/**
 * Prints markdown tables from an end-to-end benchmark result, for docs/performance.md:
 *
 *   node -r @swc-node/register bench/e2e/report.ts [bench/results/e2e.json]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const file = process.argv[2] ?? path.join(__dirname, '..', 'results', 'e2e.json');
const r: Json = JSON.parse(readFileSync(file, 'utf8'));

const fmt = (x: unknown, d = 0): string =>
  typeof x === 'number' && Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–';
const med = (xs: number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((x) => `| ${x.join(' | ')} |`)].join('\n');
}

const runs: Json[] = r.runs;
const out: string[] = [];
out.push(`Command: \`${r.command}\` — ${r.date}, ${r.durationSeconds} s; ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, Kafka ${r.machine.kafka}, PostgreSQL ${r.machine.postgres}.`);
out.push('');

// ---- headline
const row = (label: string, f: (x: Json) => number, d = 0) => [label, ...runs.map((x) => fmt(f(x), d)), fmt(med(runs.map(f)), d)];
const head = ['metric', ...runs.map((x) => `run ${x.run}`), 'median'];
const rows: string[][] = [
  row('raw Kafka pass-through, same number of messages (msg/s)', (x) => x.raw.throughput),
  row('Kinlink at full speed, all consumers done (agency events/s)', (x) => x.fullSpeed.throughput, 1),
  row('… until the last proposal was visible (agency events/s)', (x) => x.fullSpeed.throughputProposalsVisible, 1),
  row('ratio Kinlink / raw', (x) => x.ratio, 4),
  row('system CPU per agency event (ms)', (x) => x.fullSpeed.cpuMsPerEvent['system total'], 1),
  row('database transactions per agency event', (x) => x.fullSpeed.perEvent.dbTransactions, 1),
  row('rows written per agency event', (x) => x.fullSpeed.perEvent.rowsWritten, 1),
  row('Kafka messages per agency event', (x) => x.fullSpeed.perEvent.kafkaMessages, 1),
  row('new proposals per agency event', (x) => x.fullSpeed.newProposals / x.fullSpeed.events, 2),
  row('CPU used by other processes on the machine (cores)', (x) => x.fullSpeed.resources.otherProcessesCores, 2),
];
r.options.rates.forEach((spec: string, i: number) => {
  const label = spec.endsWith('x') ? `${spec} capacity` : `${spec}/s`;
  rows.push(row(`@ ${label}: offered (events/s)`, (x) => x.rates[i].offeredRate));
  rows.push(row(`@ ${label}: events offered`, (x) => x.rates[i].events));
  rows.push(row(`@ ${label}: processed (events/s)`, (x) => x.rates[i].throughput, 1));
  rows.push(row(`@ ${label}: publish → visible p50 / ms`, (x) => x.rates[i].latencyMs.visible.p50));
  rows.push(row(`@ ${label}: publish → visible p95 / ms`, (x) => x.rates[i].latencyMs.visible.p95));
  rows.push(row(`@ ${label}: publish → visible p99 / ms`, (x) => x.rates[i].latencyMs.visible.p99));
  rows.push(row(`@ ${label}: proposals measured`, (x) => x.rates[i].latencyMs.visible.n));
  rows.push(row(`@ ${label}: publish → on Kafka (matches) p95 / ms`, (x) => x.rates[i].latencyMs.onKafka.p95));
  rows.push(row(`@ ${label}: API check (GET /proposals/:id) p95 / ms, n`, (x) => x.rates[i].latencyMs.api.p95));
  rows.push(row(`@ ${label}: max total consumer lag (messages)`, (x) => Math.max(0, ...x.rates[i].lagTimeline.map((t: Json) => t.total))));
});
out.push(table(head, rows));
out.push('');
out.push(`Raw Kafka reference (${fmt(r.rawReference.messages)} messages of ~${r.rawReference.avgBytes} B): ${fmt(r.rawReference.throughput)} msg/s. `
  + `Projected with the machine to itself: ${fmt(r.medians.projectedDedicatedThroughput, 1)} agency events/s.`);
if (r.backlog) out.push(`Backlog: ${fmt(r.backlog.events)} events (${fmt(r.backlog.perSide)} per side) drained in ${r.backlog.seconds} s → ${r.backlog.throughput} events/s.`);
if (r.matchingRestart) out.push(`Matching restart with ${JSON.stringify(r.matchingRestart.stored)} candidates: ready after ${r.matchingRestart.readySeconds} s (${r.matchingRestart.indexLoadLog}).`);
out.push('');

if (r.commitProbe) out.push(`One-row transaction on this machine: ${r.commitProbe.syncOnMs} ms with \`synchronous_commit=on\` (waits for the WAL flush), ${r.commitProbe.syncOffMs} ms with it off.`);
if (r.largeStore) {
  const lr = r.largeStore.restart;
  const lp = r.largeStore.latencyPass;
  out.push(`Large store: ${fmt(lr.perSide)} per side bulk-loaded into matching.candidate (${lr.candidateTable}) in ${lr.bulkLoadSeconds} s; matching ready ${lr.readySeconds} s after start (${lr.indexLoadLog}); `
    + `RSS ${fmt(lr.rssAfterReadyMiB)} MiB after ready, ${fmt(lr.peakRssWhileLoadingMiB)} MiB peak while loading. Then at ${lp.offeredRate}/s (${lp.events} events): `
    + `publish → visible p50/p95/p99 ${lp.latencyMs.visible.p50}/${lp.latencyMs.visible.p95}/${lp.latencyMs.visible.p99} ms over ${lp.latencyMs.visible.n} proposals; API checks p95 ${lp.latencyMs.api.p95} ms.`);
}
out.push('');
out.push(table(['target', 'measured', 'met'], Object.entries<Json>(r.targets).map(([k, t]) => [k, `${typeof t.measured === 'number' ? t.measured.toLocaleString('en-US', { maximumFractionDigits: 4 }) : '–'} (target ${t.target}${t.storedPerSide !== undefined ? `, ${fmt(t.storedPerSide)} stored per side` : ''})`, t.met === undefined ? (t.measured <= t.target ? 'yes' : 'no') : t.met ? 'yes' : 'no'])));
out.push('');

// ---- storage
if (r.footprint) {
  const bySchema = new Map<string, number>();
  for (const t of r.footprint.tables) bySchema.set(t.table.split('.')[0], (bySchema.get(t.table.split('.')[0]) ?? 0) + t.bytes);
  const n = r.footprint.agencyEventsProcessed;
  out.push(`Database footprint after ${fmt(n)} agency events (all tables of the services' schemas, with indexes):`);
  out.push('');
  out.push(table(['schema', 'MiB', 'bytes per agency event'], [...bySchema].sort((a, b) => b[1] - a[1]).map(([k, b]) => [k, fmt(b / 2 ** 20, 1), fmt(b / n)])));
  out.push('');
  out.push(table(['table', 'rows', 'bytes per row'], r.footprint.tables.filter((t: Json) => t.rows > 0).slice(0, 16).map((t: Json) => [t.table, fmt(t.rows), fmt(t.bytesPerRow)])));
  out.push('');
}

// ---- per service
const last = runs[runs.length - 1].fullSpeed;
const procs = Object.keys(last.resources.processes);
const handledOf: Record<string, string> = { registry: 'registry', matching: 'matching', cases: 'cases', audit: 'audit', 'admin-api': 'admin_api' };
const svcRows = procs.map((p) => {
  const cpuPerEvent = med(runs.map((x) => x.fullSpeed.cpuMsPerEvent[p]));
  const h = handledOf[p]
    ? med(runs.map((x) => x.fullSpeed.handled[handledOf[p]] / x.fullSpeed.events))
    : p === 'agency-gateway' ? med(runs.map((x) => 1 + (x.fullSpeed.handled.agency_gateway ?? 0) / x.fullSpeed.events)) : NaN;
  return [p, fmt(cpuPerEvent, 1), fmt(h, 2), fmt(cpuPerEvent / h, 1), fmt(med(runs.map((x) => x.fullSpeed.resources.processes[p].cores)), 2),
    fmt(Math.max(...runs.map((x) => x.fullSpeed.resources.processes[p].peakRssMiB ?? NaN))), fmt(r.idle.processes[p]?.cores, 2)];
});
out.push(table(['process', 'CPU ms / agency event', 'messages handled / agency event', 'CPU ms / message', 'cores used (full speed)', 'peak RSS MiB', 'cores when idle'], svcRows));
out.push('');

// ---- lag over time (last run, full speed and the 1000/s pass)
const lagTable = (pass: Json, every: number) => {
  const services = ['agency-gateway', 'registry', 'matching', 'cases', 'audit', 'admin-api'];
  const pts = pass.lagTimeline.filter((_: Json, i: number, a: Json[]) => i % every === 0 || i === a.length - 1);
  return table(['t (s)', 'total', ...services], pts.map((t: Json) => [fmt(t.t), fmt(t.total), ...services.map((s) => fmt(t.byService[s]))]));
};
out.push(`Lag over time, run ${runs[runs.length - 1].run}, full speed (${last.events} events):`);
out.push('');
out.push(lagTable(last, Math.max(1, Math.ceil(last.lagTimeline.length / 12))));
out.push('');
const thousand = runs[runs.length - 1].rates.find((p: Json) => p.rateSpec === '1000');
if (thousand) {
  out.push(`Lag over time, run ${runs[runs.length - 1].run}, 1,000/s offered (${thousand.events} events):`);
  out.push('');
  out.push(lagTable(thousand, Math.max(1, Math.ceil(thousand.lagTimeline.length / 10))));
  out.push('');
}
out.push('Stage done (s after the first publish), full speed: ' + runs.map((x) => `run ${x.run} ${JSON.stringify(x.fullSpeed.stageDoneSeconds)}`).join('; '));
out.push('');

// ---- profile
if (r.profile) {
  for (const [svc, s] of Object.entries<Json>(r.profile.services)) {
    out.push(`- **${svc}** (busy ${s.busyPct}% of ${fmt(s.durationMs / 1000, 1)} s): by package ${s.byPackage.slice(0, 6).map((p: Json) => `${p.package} ${p.pct}%`).join(', ')}; `
      + `top self ${s.topSelf.slice(0, 5).map((f: Json) => `\`${f.name}\` ${f.pct}%`).join(', ')}; `
      + `inclusive: ${s.topInclusive.filter((f: Json) => !/processTicksAndRejections|runMicrotasks/.test(f.name)).slice(0, 4).map((f: Json) => `\`${f.name}\` (${f.where}) ${f.pct}%`).join(', ')}`
      + (s.topInclusiveOwn ? `; our code (inclusive): ${s.topInclusiveOwn.slice(0, 6).map((f: Json) => `\`${f.name}\` (${f.where}) ${f.pct}%`).join(', ')}` : ''));
  }
}
console.log(out.join('\n'));

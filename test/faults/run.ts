/**
 * The fault-injection suite: `npm run test:faults -- [--scenario N | --scenarios 1,4,8] [--scale small|full]`
 * (= `node -r @swc-node/register test/faults/run.ts …`).
 *
 * Starts its own Kafka broker (127.0.0.1:39392), a database of its own (kinlink_faults) and the six
 * services (ports 3700+, topic prefix `faults-<run>`), then for each scenario offers a seeded load
 * of agency events and coordinator commands while injecting the scenario's fault, waits for the
 * system to settle, and compares the final state with the state computed from the input alone.
 * Prints one row per scenario, writes the table into docs/reliability.md (unless --no-docs), and
 * exits non-zero on any violation. The last line is `N passed, N failed`.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { TopicNames } from '@kinlink/contracts';
import { AgencyPublisher, Coordinator, kafkaClient, sleep } from './driver';
import { FaultSystem, PrivatePostgres, ROOT } from './infra';
import { AgencyMessage, Family, LoadGenerator } from './load';
import { FaultContext, Scale, ScenarioDef, SCENARIOS } from './scenarios';
import { percentile, ScenarioInput, verify, Verdict } from './verify';

const USAGE = `usage: node -r @swc-node/register test/faults/run.ts [--scenario N] [--scenarios 1,4,8] [--scale small|full] [--seed N] [--no-docs]
  --scenario/--scenarios  which faults (default: all; scenario 6 needs --scale full)
  --scale                 small (CI subset, well under 3 minutes for 1,4,8) or full (default small)
  --seed                  load seed (default 42)
  --no-docs               do not update docs/reliability.md
  --postgres              shared (the machine's, database kinlink_faults) or private (a cluster of the run's
                          own on 127.0.0.1:3799); default private when scenario 6 runs, else shared.
                          Scenario 6 on the shared one restarts it for everybody: --scale full only
  --database-url          for --postgres shared; default postgres://postgres@127.0.0.1:5432/kinlink_faults
  --broker-port           the run's own broker (default 39392; never the shared 39092)
  --port-base             services' HTTP ports (default 3700: 3700–3705, extra instances 3710+)`;

interface Row {
  def: ScenarioDef;
  scale: Scale;
  verdict?: Verdict;
  recoveriesMs: number[];
  unrecovered: number;
  notes: Record<string, number>;
  crashes: number;
  driveErrors: string[];
  durationMs: number;
  passed: boolean;
  skipped?: string;
  failures: string[];
}

const log = (line: string) => console.log(line);
const fmtMs = (ms: number | undefined) => (ms === undefined ? '–' : ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', multiple: true }, scenarios: { type: 'string' }, scale: { type: 'string', default: 'small' },
      seed: { type: 'string', default: '42' }, 'no-docs': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
      'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/kinlink_faults' }, postgres: { type: 'string' },
      'broker-port': { type: 'string', default: '39392' }, 'port-base': { type: 'string', default: '3700' },
    },
  });
  if (values.help) {
    log(USAGE);
    return 0;
  }
  const scale = values.scale as Scale;
  if (scale !== 'small' && scale !== 'full') throw new Error(`--scale: small or full, not ${values.scale}`);
  const brokerPort = Number(values['broker-port']);
  if (brokerPort === 39092) throw new Error('the fault suite stops and freezes its broker: never point it at the shared broker on 39092');
  const portBase = Number(values['port-base']);
  const seed = Number(values.seed);
  const wanted = new Set([...(values.scenario ?? []), ...(values.scenarios?.split(',') ?? [])].map((s) => Number(s.trim())).filter((n) => n > 0));
  const defs = SCENARIOS.filter((d) => wanted.size === 0 || wanted.has(d.id));
  if (defs.length === 0) throw new Error(`no such scenario: ${[...wanted].join(',')}`);

  const runId = Date.now().toString(36);
  const prefix = `faults-${runId}`;
  const logDir = path.join(ROOT, '.run', 'fault-logs', prefix);
  mkdirSync(logDir, { recursive: true });
  const command = `node -r @swc-node/register test/faults/run.ts --scale ${scale}${wanted.size ? ` --scenarios ${[...wanted].sort((a, b) => a - b).join(',')}` : ''}`;
  log(`[faults] ${command}`);
  log(`[faults] machine: ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const restartsPostgres = defs.some((d) => d.restartsPostgres);
  const pgMode = values.postgres ?? (restartsPostgres && PrivatePostgres.available() ? 'private' : 'shared');
  if (pgMode !== 'shared' && pgMode !== 'private') throw new Error(`--postgres: shared or private, not ${pgMode}`);
  const privatePg = pgMode === 'private' ? new PrivatePostgres(3799, runId, (s) => log(`[faults] ${s}`)) : undefined;
  const databaseUrl = privatePg?.url ?? values['database-url']!;
  const skipPostgresRestart = restartsPostgres && !privatePg && scale !== 'full';
  log(`[faults] scale ${scale}, seed ${seed}, database ${databaseUrl}, topic prefix ${prefix}, broker 127.0.0.1:${brokerPort}, services on ${portBase}+, logs ${path.relative(ROOT, logDir)}`);
  if (restartsPostgres && !privatePg && scale === 'full') {
    log('[faults] WARNING: scenario 6 restarts the machine\'s shared PostgreSQL in immediate mode: every other user of it (other test runs, CI) loses its connections');
  }

  const started = Date.now();
  const sys = new FaultSystem({
    databaseUrl, brokerPort, portBase, prefix, logDir, partitions: 6, log: (s) => log(`[faults] ${s}`),
    distDir: path.join(ROOT, '.run', 'fault-dist', prefix),
  });
  const rows: Row[] = [];
  // Ctrl-C / SIGTERM: stop what this run started (services, its broker) before leaving
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`[faults] ${signal}: stopping the services and the broker this run started`);
    void sys.stopAll().catch(() => undefined).then(() => sys.shutdownBroker()).catch(() => undefined).finally(() => {
      privatePg?.stop();
      sys.removeBuild();
      console.log('0 passed, 1 failed');
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const db = new Pool({ connectionString: databaseUrl, max: 4, connectionTimeoutMillis: 3_000 });
  db.on('error', () => undefined); // PostgreSQL restarts (scenario 6) drop idle clients
  try {
    if (privatePg) {
      privatePg.start();
      sys.privatePostgres = privatePg;
    }
    await Promise.all([sys.prepare(), sys.build()]);
    await sys.startAll();
    log(`[faults] system up in ${fmtMs(Date.now() - started)}`);
    const kafka = kafkaClient(sys.brokers, 'faults-runner');
    const topics = new TopicNames(prefix);
    for (const def of defs) {
      if (def.restartsPostgres && skipPostgresRestart) {
        log(`[faults] scenario ${def.id} (${def.name}): skipped: on the shared PostgreSQL it needs --scale full (or use --postgres private)`);
        rows.push({ def, scale, recoveriesMs: [], unrecovered: 0, notes: {}, crashes: 0, driveErrors: [], durationMs: 0, passed: true, skipped: 'shared PostgreSQL', failures: [] });
        continue;
      }
      rows.push(await runScenario(def, { sys, db, kafka, topics, scale, seed, runId }));
    }
  } finally {
    await sys.stopAll().catch((e) => log(`[faults] stopping services: ${(e as Error).message}`));
    await sys.shutdownBroker().catch((e) => log(`[faults] stopping the broker: ${(e as Error).message}`));
    await db.end().catch(() => undefined);
    privatePg?.stop();
    sys.removeBuild();
  }

  const ran = rows.filter((r) => !r.skipped);
  printTable(ran);
  for (const r of ran.filter((x) => !x.passed)) {
    log(`[faults] scenario ${r.def.id} FAILED: ${r.failures.join('; ')}`);
    for (const p of r.verdict?.problems.slice(0, 15) ?? []) log(`    ${p}`);
  }
  if (!values['no-docs']) writeDocs(ran, command);
  log(`[faults] total ${fmtMs(Date.now() - started)}; load average now ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const passed = ran.filter((r) => r.passed).length;
  log(`${passed} passed, ${ran.length - passed} failed`);
  return passed === ran.length ? 0 : 1;
}

interface RunDeps {
  sys: FaultSystem;
  db: Pool;
  kafka: ReturnType<typeof kafkaClient>;
  topics: TopicNames;
  scale: Scale;
  seed: number;
  runId: string;
}

async function runScenario(def: ScenarioDef, d: RunDeps): Promise<Row> {
  const { sys, db, kafka, topics, scale } = d;
  const t0 = Date.now();
  const tag = `S${def.id}-${d.runId}`;
  log(`[faults] scenario ${def.id}: ${def.name} (${scale})`);
  const gen = new LoadGenerator(d.seed * 100 + def.id, tag);
  const plan = gen.plan(def.size(scale));
  const coordinator = new Coordinator(() => sys.instances.get('admin-api')?.url ?? `http://127.0.0.1:${sys.o.portBase}`, db, tag);
  const input: ScenarioInput = {
    tag, records: [...plan.records], families: [...plan.families], messages: [...plan.messages], poison: plan.poison,
    commands: coordinator.commands, cases: [],
  };
  const row: Row = { def, scale, recoveriesMs: [], unrecovered: 0, notes: {}, crashes: 0, driveErrors: [], durationMs: 0, passed: false, failures: [] };
  const marks = sys.logMarks();
  const crashesBefore = sys.unexpectedExits.length;
  const publisher = new AgencyPublisher(kafka, topics);
  const canaryPublisher = new AgencyPublisher(kafka, topics);
  const recoveries: Array<Promise<void>> = [];
  let canaries = 0;
  let loadStart = Date.now();

  const ctx: FaultContext = {
    sys, db, scale, log,
    elapsed: () => Date.now() - loadStart,
    note: (name, value) => { row.notes[name] = value; },
    recovered: (label) => {
      const at = Date.now();
      const { family, events } = gen.family(900 + canaries++);
      input.records.push(family.child, family.request);
      input.families.push(family);
      input.messages.push(...events.flat());
      recoveries.push((async () => {
        for (const list of events) for (const m of list) await canaryPublisher.send([m]);
        const ms = await waitForCanary(db, family, at);
        if (ms === undefined) {
          row.unrecovered++;
          log(`  !! no recovery within 180 s after: ${label}`);
        } else {
          row.recoveriesMs.push(ms);
          log(`  t=${((Date.now() - loadStart) / 1000).toFixed(1)}s recovered ${fmtMs(ms)} after: ${label}`);
        }
      })());
    },
  };

  await def.setup?.(ctx);
  loadStart = Date.now();
  // a process manager: whatever exits on its own is restarted
  const watchdog = setInterval(() => { void sys.reviveCrashed().catch(() => undefined); }, 2_000);
  const commanded = plan.families.filter((f) => f.commanded);
  const drives = runLimited(commanded, 3, async (f) => {
    try {
      await coordinator.drive(f);
    } catch (e) {
      row.driveErrors.push(`family ${f.n}: ${(e as Error).message}`);
    }
  });
  try {
    await Promise.all([
      publisher.offer(plan.messages, def.loadMs(scale)),
      def.inject(ctx),
    ]);
    log(`  t=${((Date.now() - loadStart) / 1000).toFixed(1)}s load offered (${plan.messages.length} agency events, ${plan.poison.length} poison); settling`);
    await drives;
    await Promise.all(recoveries);
  } finally {
    clearInterval(watchdog);
    await publisher.close();
    await canaryPublisher.close();
  }
  await sys.reviveCrashed();
  input.cases = [...coordinator.cases.values()];

  // settle: wait for the effects to arrive, then check everything
  const deadline = Date.now() + 150_000;
  await waitForQuiet(db, input, deadline);
  let verdict: Verdict;
  for (;;) {
    const dups = countDuplicateLines(sys.logsSince(marks));
    verdict = await verify(db, kafka, topics, input, dups);
    if ((verdict.lost === 0 && verdict.deadLetters >= verdict.poison) || Date.now() > deadline) break;
    await sleep(3_000);
  }
  row.verdict = verdict;
  row.crashes = sys.unexpectedExits.length - crashesBefore;
  row.durationMs = Date.now() - t0;
  for (const e of row.driveErrors) verdict.problems.push(e);
  const f = row.failures;
  if (verdict.lost > 0) f.push(`${verdict.lost} lost`);
  if (verdict.duplicatesApplied > 0) f.push(`${verdict.duplicatesApplied} duplicates applied`);
  if (verdict.deadLetters !== verdict.poison) f.push(`${verdict.deadLetters} dead letters for ${verdict.poison} poison`);
  if (verdict.unexpectedDeadLetters > 0) f.push(`${verdict.unexpectedDeadLetters} valid events dead-lettered`);
  if (verdict.orderViolations > 0) f.push(`${verdict.orderViolations} order violations`);
  if (row.unrecovered > 0) f.push(`${row.unrecovered} faults without recovery`);
  if (row.driveErrors.length > 0) f.push(`${row.driveErrors.length} coordinator flows failed`);
  row.passed = f.length === 0;
  const lat = verdict.latenciesMs;
  log(`  scenario ${def.id} ${row.passed ? 'passed' : 'FAILED'} in ${fmtMs(row.durationMs)}: produced ${verdict.produced}, applied once ${verdict.appliedOnce}/${verdict.expectedEffects}, `
    + `duplicates delivered ${verdict.duplicatesDelivered} / applied ${verdict.duplicatesApplied}, lost ${verdict.lost}, dead letters ${verdict.deadLetters} (raw ${verdict.deadLettersRaw}) / poison ${verdict.poison}, `
    + `order violations ${verdict.orderViolations}, recovery p50 ${fmtMs(percentile(row.recoveriesMs, 50))} max ${fmtMs(percentile(row.recoveriesMs, 100))}, `
    + `e2e p50 ${fmtMs(percentile(lat, 50))} p95 ${fmtMs(percentile(lat, 95))} (${lat.length} events)`
    + `${row.crashes ? `, ${row.crashes} unexpected exits` : ''}${Object.keys(row.notes).length ? `, ${Object.entries(row.notes).map(([k, v]) => `${k}: ${v}`).join(', ')}` : ''}`);
  const details = Object.entries(verdict.details).filter(([, n]) => n);
  if (details.length) log(`    details: ${details.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  return row;
}

async function runLimited<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, async () => {
    while (queue.length) await fn(queue.shift()!);
  }));
}

/** Time from `since` until the canary pair is through: projected by the admin API, proposed to cases, in the audit log. */
async function waitForCanary(db: Pool, f: Family, since: number, timeoutMs = 180_000): Promise<number | undefined> {
  const deadline = since + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const { rows } = await db.query(
        `SELECT (SELECT count(*) FROM admin_api.record_view WHERE agency_record_id = ANY($1))::int AS views,
                (SELECT count(*) FROM cases.proposal p JOIN registry.child c ON p.child_id = c.id WHERE c.agency_record_id = $2)::int AS proposals,
                (SELECT count(*) FROM audit.leaf l JOIN registry.child c ON l.subject_ids @> ARRAY[c.id::text]
                  WHERE c.agency_record_id = $2 AND l.event_type = 'child.registered')::int AS leaves`,
        [[f.child.agencyRecordId, f.request.agencyRecordId], f.child.agencyRecordId],
      );
      if (rows[0].views === 2 && rows[0].proposals >= 1 && rows[0].leaves >= 1) return Date.now() - since;
    } catch {
      // the database may be restarting (scenario 6)
    }
    await sleep(150);
  }
  return undefined;
}

/** Waits (cheaply, from the database) until every record of the input is projected at its expected revision and in the audit log. */
async function waitForQuiet(db: Pool, input: ScenarioInput, deadline: number): Promise<void> {
  const ids = input.records.map((r) => r.agencyRecordId);
  const revs = input.records.map((r) => r.expectedRevision);
  const totalRevisions = revs.reduce((a, b) => a + b, 0);
  while (Date.now() < deadline) {
    try {
      const { rows } = await db.query(
        `WITH want AS (SELECT * FROM unnest($1::text[], $2::int[]) AS w(agency_record_id, revision)),
              reg AS (SELECT id, agency_record_id FROM registry.child WHERE agency_record_id = ANY($1)
                      UNION ALL SELECT id, agency_record_id FROM registry.tracing_request WHERE agency_record_id = ANY($1))
         SELECT (SELECT count(*) FROM want JOIN admin_api.record_view v USING (agency_record_id) WHERE v.revision = want.revision)::int AS projected,
                (SELECT count(*) FROM want JOIN reg USING (agency_record_id) JOIN matching.candidate c ON c.record_id = reg.id AND c.revision = want.revision)::int AS matched,
                (SELECT count(*) FROM audit.leaf l WHERE l.subject_ids && (SELECT array_agg(id::text) FROM reg)
                   AND (l.event_type LIKE 'child.%' OR l.event_type LIKE 'tracing-request.%'))::int AS leaves`,
        [ids, revs],
      );
      const r = rows[0];
      if (r.projected === ids.length && r.matched >= ids.length && r.leaves >= totalRevisions) return;
    } catch {
      // restarting database
    }
    await sleep(500);
  }
}

function countDuplicateLines(logs: Map<string, string>): number {
  let n = 0;
  for (const text of logs.values()) n += text.split('duplicate delivery ignored').length - 1;
  return n;
}

function cells(r: Row): string[] {
  const v = r.verdict!;
  const rec = r.recoveriesMs;
  return [
    String(r.def.id), r.def.name, r.scale, String(v.produced), `${v.appliedOnce}/${v.expectedEffects}`,
    `${v.duplicatesDelivered} / ${v.duplicatesApplied}`, String(v.lost), `${v.deadLetters} / ${v.poison}`, String(v.orderViolations),
    `${fmtMs(percentile(rec, 50))} / ${fmtMs(percentile(rec, 100))}${r.unrecovered ? ` (+${r.unrecovered} none)` : ''}`,
    `${fmtMs(percentile(v.latenciesMs, 50))} / ${fmtMs(percentile(v.latenciesMs, 95))}`,
    r.passed ? 'pass' : 'FAIL',
  ];
}

const HEADER = ['#', 'fault', 'scale', 'events produced', 'applied once', 'duplicates delivered / applied', 'lost', 'dead letters / poison', 'order violations', 'recovery p50 / max', 'e2e latency p50 / p95', 'result'];

function printTable(rows: Row[]): void {
  const all = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  log('');
  for (const [i, r] of all.entries()) {
    log(r.map((c, j) => c.padEnd(widths[j])).join(' | '));
    if (i === 0) log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  }
  log('');
}

/** small before full, then by scenario */
const rowKey = (scale: string, id: number) => `${scale === 'small' ? 0 : 1}:${String(id).padStart(2, '0')}`;

const BEGIN = '<!-- fault-suite:begin (written by test/faults/run.ts) -->';
const END = '<!-- fault-suite:end -->';

/** Replaces this run's rows (by scenario and scale) in the results table of docs/reliability.md. */
function writeDocs(rows: Row[], command: string): void {
  const file = path.join(ROOT, 'docs', 'reliability.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : `# Reliability\n\n${BEGIN}\n${END}\n`;
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) {
    log(`[faults] docs/reliability.md has no ${BEGIN} … ${END} block; not updated`);
    return;
  }
  const block = text.slice(start + BEGIN.length, end);
  const docHeader = [...HEADER, 'date', 'machine', 'command'];
  const existing = new Map<string, string>();
  for (const line of block.split('\n')) {
    const m = /^\| (\d+) \| [^|]+ \| (small|full) \|/.exec(line);
    if (m) existing.set(rowKey(m[2], Number(m[1])), line);
  }
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  for (const r of rows) {
    const c = cells(r);
    if (!r.passed) c[c.length - 1] = `FAIL: ${r.failures.join('; ')}`;
    const machine = `${os.cpus().length} cores, load avg ${os.loadavg()[0].toFixed(1)}`;
    existing.set(rowKey(r.scale, r.def.id), `| ${[...c, date, machine, `\`${command}\``].join(' | ')} |`);
  }
  const sorted = [...existing].sort(([a], [b]) => a.localeCompare(b)).map(([, line]) => line);
  const table = [`| ${docHeader.join(' | ')} |`, `|${docHeader.map(() => '---').join('|')}|`, ...sorted].join('\n');
  writeFileSync(file, `${text.slice(0, start + BEGIN.length)}\n${table}\n${text.slice(end)}`);
  log(`[faults] docs/reliability.md updated (${rows.length} rows)`);
}

main().then((code) => process.exit(code), (e) => {
  console.error(`[faults] ${(e as Error).stack ?? e}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});

export type { AgencyMessage };

/**
 * End-to-end benchmark of the whole system (issue 8): `npm run bench:e2e -- [options]`
 * (node -r @swc-node/register bench/e2e/run.ts).
 *
 * Builds, starts its own Kafka broker (port 39492, never the shared 39092; `BENCH_KAFKA_PORT`), its
 * own database (`kinlink_bench`, recreated; `BENCH_DATABASE_URL`), its own topic prefix and the six
 * services on ports 3800–3805 (`BENCH_PORT_BASE`),
 * then, per run:
 *   1. raw Kafka pass-through on the same broker with kafkajs (the same number of similar-sized
 *      messages, no processing): the physical limit;
 *   2. the seeded stream of agency events at full speed: sustained throughput (events fully
 *      processed by every consumer), and its ratio to the raw pass-through;
 *   3. the stream at fixed offered rates: latency publish → proposal visible in the admin API's
 *      read model (every new proposal), publish → proposal on Kafka, and true API checks
 *      (GET /proposals/:id with a coordinator token) for a sample; consumer lag over time;
 * with CPU and memory of every process. Before the runs it loads a backlog (`--stored N`
 * records per side, published through the gateway at full speed); after them it times the
 * matching service's restart with everything stored, and profiles the services under load.
 *
 * Options: --runs N  --events N  --stored N  --rate R | --rates a,b,c  --rate-seconds S  --rate-max-events N
 *          (a rate is events/s, or `0.5x` = half the run's measured full-speed throughput)
 *          --quick  --no-build  --no-profile  --no-restart  --soak S [--soak-rate R]
 *          --profile-rate R (the profile pass offers its --events at R events/s instead of full speed)
 *          --restart-stored N (bulk-load N candidates per side into matching, time its restart, measure latency)
 *          --seed N  --partitions N  --db-pool N  --drain-timeout S  --keep-broker  --out FILE
 *          --instances N (N instances of every service in one consumer group each, on ports 3800+10·i;
 *          matching with MATCHING_REPLICA_FEED=1; use with --no-profile --no-restart)
 *
 * Writes bench/results/e2e.json (--quick: .run/bench-e2e/<prefix>/e2e.json; or --out) and prints a
 * table. Medians over the runs.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Admin, AssignerProtocol, Consumer, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { INTERNAL_TOPICS, TopicNames } from '@kinlink/contracts';
import { mintDevToken } from '../../apps/admin-api/src/auth/dev-tokens';
import { childToMatchRecord, profileFingerprint, subjectIdOf, tracingRequestToMatchRecords } from '../../apps/matching/src/matching/match-records';
import { sealProfile } from '../../apps/matching/src/matching/sealed-profile';
import { InMemorySubjectKeyStore, KEY_VAULT_SCHEMA, loadMasterKey, LocalMasterKeyWrapper, SubjectCipher } from '@kinlink/privacy';
import { CpuProfile, formatSummary, ProfileSummary, summariseProfile } from './cpuprofile';
import { AgencyEventType, BENCH_AGENCIES, EventStream, GeneratedEvent } from './generator';
import { cpuOf, findPids, machineCpu, readProc } from './procstat';
import { Progress } from './progress';
import { brokerLib, loadSystem, repo, ServiceChild } from './project-scripts';
import { numberArg, printUsage, unknownOption } from './cli';

// ------------------------------------------------------------------ project scripts (plain ESM) --

/** the project's system helpers; replaced by the snapshot's copy once the snapshot is built */
let system = loadSystem();

// ------------------------------------------------------------------ options --

// Overridable so two benchmarks (e.g. on two worktrees) can run side by side without sharing ports.
const BROKER_PORT = Number(process.env.BENCH_KAFKA_PORT ?? 39492);
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 3800);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinlink_bench';
/** schemas whose inbox (`processed_event`) shows when each consumer handled its last message */
const SCHEMAS = ['agency_gateway', 'registry', 'matching', 'cases', 'audit', 'admin_api'] as const;
const OUTBOX_SCHEMAS = SCHEMAS;

interface Options {
  runs: number;
  events: number;
  stored: number;
  /** offered rates: events/s, or `<f>x` = that fraction of the run's measured full-speed throughput */
  rates: string[];
  rateMaxEvents: number;
  rateSeconds: number;
  quick: boolean;
  build: boolean;
  profile: boolean;
  /** events/s the profile pass offers (0 = full speed) */
  profileRate: number;
  restart: boolean;
  /** candidates per side bulk-loaded into matching's own table before a second restart timing (0 = none) */
  restartStored: number;
  soakSeconds: number;
  soakRate: number;
  seed: number;
  partitions: number;
  dbPool: number;
  keepBroker: boolean;
  /** instances of each service (one consumer group each); more than 1 turns on matching's replica feed */
  instances: number;
  out: string;
  drainTimeoutS: number;
}

function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const o: Options = {
    runs: quick ? 1 : 3,
    events: quick ? 100 : 250,
    stored: quick ? 50 : 150,
    rates: quick ? ['0.5x', '1000'] : ['0.5x', '0.8x', '1000'],
    rateSeconds: quick ? 10 : 15,
    rateMaxEvents: quick ? 100 : 120,
    quick,
    build: true,
    profile: !quick,
    profileRate: 0,
    restart: true,
    restartStored: 0,
    soakSeconds: 0,
    soakRate: 1000,
    seed: 20261002,
    partitions: 3,
    dbPool: 6,
    keepBroker: false,
    instances: 1,
    // a quick check never overwrites the published results
    out: quick ? '' : path.join(repo.ROOT, 'bench', 'results', 'e2e.json'),
    drainTimeoutS: quick ? 90 : 240,
  };
  const num = (i: number, name: string) => numberArg(argv[i + 1], name);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--quick': break;
      case '--runs': o.runs = Math.max(1, num(i++, a)); break;
      case '--events': o.events = num(i++, a); break;
      case '--stored': o.stored = num(i++, a); break;
      case '--rate': o.rates = [argv[++i]]; break;
      case '--rates': o.rates = argv[++i].split(',').map((x) => x.trim()).filter(Boolean); break;
      case '--rate-max-events': o.rateMaxEvents = num(i++, a); break;
      case '--rate-seconds': o.rateSeconds = num(i++, a); break;
      case '--no-build': o.build = false; break;
      case '--no-profile': o.profile = false; break;
      case '--profile': o.profile = true; break;
      case '--profile-rate': o.profileRate = num(i++, a); break;
      case '--no-restart': o.restart = false; break;
      case '--restart-stored': o.restartStored = num(i++, a); break;
      case '--soak': o.soakSeconds = num(i++, a); break;
      case '--soak-rate': o.soakRate = num(i++, a); break;
      case '--seed': o.seed = num(i++, a); break;
      case '--partitions': o.partitions = num(i++, a); break;
      case '--db-pool': o.dbPool = num(i++, a); break;
      case '--keep-broker': o.keepBroker = true; break;
      case '--instances': o.instances = Math.max(1, num(i++, a)); break;
      case '--drain-timeout': o.drainTimeoutS = num(i++, a); break;
      case '--out': o.out = path.resolve(argv[++i]); break;
      case '--help': case '-h': printUsage(__filename);
      default: unknownOption(a);
    }
  }
  return o;
}

// ------------------------------------------------------------------ helpers --

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();
const log = (s: string) => process.stderr.write(`[bench:e2e] ${s}\n`);
const round = (x: number, d = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : x);

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i];
}
interface Pct { n: number; p50: number; p95: number; p99: number; max: number; mean: number }
function pct(xs: number[]): Pct {
  const s = [...xs].sort((a, b) => a - b);
  return {
    n: s.length, p50: round(percentile(s, 0.5)), p95: round(percentile(s, 0.95)), p99: round(percentile(s, 0.99)),
    max: round(s[s.length - 1] ?? NaN), mean: round(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)),
  };
}
export function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// ------------------------------------------------------------------ the system under test --

interface Context {
  o: Options;
  prefix: string;
  topics: TopicNames;
  env: Record<string, string>;
  logDir: string;
  runDir: string;
  /** where dist/ lives: the snapshot, or the repository with --no-build */
  distRoot: string;
  services: ServiceChild[];
  brokerPid: number | null;
  kafka: Kafka;
  admin: Admin;
  producer: Producer;
  db: Client;
  token: string;
  tracker: Tracker;
  /** subscribed topics per consumer group, learnt from the groups themselves */
  groupTopics: Map<string, string[]>;
}

const CONSUMER_SERVICES = ['agency-gateway', 'registry', 'matching', 'cases', 'audit', 'admin-api'];
const groupOf = (ctx: Context, service: string) => `${ctx.prefix}.${service}`;

function staticTopics(ctx: Context, service: string): string[] {
  const t = ctx.topics;
  const i = (x: (typeof INTERNAL_TOPICS)[keyof typeof INTERNAL_TOPICS]) => t.internal(x);
  switch (service) {
    case 'agency-gateway': return BENCH_AGENCIES.map((a) => t.agencyInbound(a));
    case 'registry': return [i(INTERNAL_TOPICS.intake)];
    case 'matching': return [i(INTERNAL_TOPICS.records)];
    case 'cases': return [i(INTERNAL_TOPICS.matches), i(INTERNAL_TOPICS.caseCommands)];
    case 'audit': return [i(INTERNAL_TOPICS.records), i(INTERNAL_TOPICS.matches), i(INTERNAL_TOPICS.caseCommands), i(INTERNAL_TOPICS.cases), i(INTERNAL_TOPICS.deadLetter)];
    case 'admin-api': return [i(INTERNAL_TOPICS.records), i(INTERNAL_TOPICS.matches), i(INTERNAL_TOPICS.cases), i(INTERNAL_TOPICS.audit)];
    default: return [];
  }
}

/** Topics each group subscribes to, from the members' metadata (falls back to the known wiring). */
async function learnGroupTopics(ctx: Context): Promise<void> {
  const groups = CONSUMER_SERVICES.map((s) => groupOf(ctx, s));
  const described = await ctx.admin.describeGroups(groups);
  for (const g of described.groups) {
    const topics = new Set<string>();
    for (const m of g.members) {
      try {
        for (const t of AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics ?? []) topics.add(t);
      } catch { /* unknown protocol: use the static list */ }
    }
    const service = g.groupId.slice(ctx.prefix.length + 1);
    for (const t of staticTopics(ctx, service)) topics.add(t);
    ctx.groupTopics.set(g.groupId, [...topics].sort());
  }
}

interface LagSample { total: number; byService: Record<string, number>; signature: string }

async function sampleLag(ctx: Context): Promise<LagSample> {
  const allTopics = [...new Set([...ctx.groupTopics.values()].flat())];
  const ends = new Map<string, Map<number, number>>();
  await Promise.all(allTopics.map(async (t) => {
    const offs = await ctx.admin.fetchTopicOffsets(t);
    ends.set(t, new Map(offs.map((p) => [p.partition, Number(p.high)])));
  }));
  const byService: Record<string, number> = {};
  let total = 0;
  await Promise.all(CONSUMER_SERVICES.map(async (service) => {
    const groupId = groupOf(ctx, service);
    const topics = ctx.groupTopics.get(groupId) ?? staticTopics(ctx, service);
    const committed = await ctx.admin.fetchOffsets({ groupId, topics });
    let lag = 0;
    for (const t of committed) {
      const end = ends.get(t.topic);
      for (const p of t.partitions) {
        const high = end?.get(p.partition) ?? 0;
        const at = Number(p.offset);
        lag += Math.max(0, high - (at < 0 ? 0 : at));
      }
    }
    byService[service] = lag;
    total += lag;
  }));
  const signature = [...ends].map(([t, m]) => `${t}:${[...m.values()].join(',')}`).sort().join('|');
  return { total, byService, signature };
}

async function outboxBacklog(ctx: Context): Promise<number> {
  const sql = OUTBOX_SCHEMAS.map((s) => `SELECT count(*)::int AS n FROM "${s}".outbox`).join(' UNION ALL ');
  const r = await ctx.db.query<{ n: number }>(sql);
  return r.rows.reduce((a, x) => a + x.n, 0);
}

async function endOffsetsOf(ctx: Context, topic: string): Promise<number> {
  const offs = await ctx.admin.fetchTopicOffsets(topic);
  return offs.reduce((a, p) => a + Number(p.high), 0);
}

// ------------------------------------------------------------------ latency tracking --

/**
 * Follows new proposals: a bench consumer on the `matches` topic learns each new proposal's id
 * and the agency event that caused it (correlation id), a poller asks the admin API's read model
 * by primary key when the proposal becomes visible, and a sample is checked through the API itself.
 * The same consumer reads `intake` and `records`, so each visible proposal's latency is split per
 * hop by the Kafka timestamps (producer create time) of its agency event's first `intake`,
 * `records` and `match.proposed` messages: gateway (publish → intake), registry (→ records, its
 * outbox relay included), matching (→ match.proposed) and admin-api (→ visible, ≤ 25 ms of polling).
 */
class Tracker {
  /** agency event id → publish time (performance.now), for the events of the current pass */
  readonly pub = new Map<string, number>();
  /** agency event id → publish time (wall clock, to compare with Kafka timestamps) */
  readonly pubWall = new Map<string, number>();
  /** agency event id → Kafka timestamp of its first `intake` and `records` message */
  private readonly stageAt = new Map<string, { intake?: number; records?: number }>();
  hops: Record<'gateway' | 'registry' | 'matching' | 'admin-api', number[]> = { gateway: [], registry: [], matching: [], 'admin-api': [] };
  private readonly seen = new Set<string>();
  private readonly outstanding = new Map<string, { pub: number; kafkaAt: number; corr: string; matchTs: number }>();
  visible: number[] = [];
  onKafka: number[] = [];
  api: number[] = [];
  apiVsDb: number[] = [];
  lastVisibleAt = 0;
  proposals = 0;
  private apiEvery = 10;
  private apiInflight = 0;
  private apiCount = 0;
  private apiFailures = 0;
  private consumer?: Consumer;
  private running = true;
  private readonly dbSeen = new Map<string, number>();

  constructor(private readonly ctx: Context) {}

  async start(): Promise<void> {
    const ctx = this.ctx;
    // a fetch returns as soon as data arrives (minBytes 1), so a long wait costs no accuracy; 20 ms
    // made this consumer the broker's busiest client (50 empty fetches a second, counted as system CPU)
    this.consumer = ctx.kafka.consumer({ groupId: `${ctx.prefix}.bench-watch`, maxWaitTimeInMs: 500, sessionTimeout: 10_000 });
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [INTERNAL_TOPICS.matches, INTERNAL_TOPICS.intake, INTERNAL_TOPICS.records].map((x) => ctx.topics.internal(x)), fromBeginning: true,
    });
    const intakeTopic = ctx.topics.internal(INTERNAL_TOPICS.intake);
    const recordsTopic = ctx.topics.internal(INTERNAL_TOPICS.records);
    const joined = new Promise<void>((resolve) => this.consumer!.on(this.consumer!.events.GROUP_JOIN, () => resolve()));
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        const t = now();
        if (batch.topic === intakeTopic || batch.topic === recordsTopic) {
          const stage = batch.topic === intakeTopic ? 'intake' : 'records';
          for (const m of batch.messages) {
            const corr = m.headers?.['correlation-id']?.toString();
            if (corr === undefined || !this.pubWall.has(corr)) continue;
            const at = this.stageAt.get(corr) ?? {};
            at[stage] ??= Number(m.timestamp);
            this.stageAt.set(corr, at);
          }
          return;
        }
        for (const m of batch.messages) {
          const type = m.headers?.['event-type']?.toString();
          if (type !== 'match.proposed' || !m.key) continue;
          const id = m.key.toString();
          if (this.seen.has(id)) continue;
          this.seen.add(id);
          const corr = m.headers?.['correlation-id']?.toString();
          const pub = corr === undefined ? undefined : this.pub.get(corr);
          if (pub === undefined) continue;
          this.proposals++;
          this.onKafka.push(t - pub);
          this.outstanding.set(id, { pub, kafkaAt: t, corr: corr!, matchTs: Number(m.timestamp) });
          if (this.proposals % this.apiEvery === 0 && this.apiInflight < 6) void this.checkApi(id, pub);
        }
      },
    });
    await joined;
    void this.poll();
  }

  /** Resets the per-pass figures; `apiSamples` ≈ how many API checks to aim for. */
  beginPass(expectedProposals: number, apiSamples = 30): void {
    this.pub.clear();
    this.pubWall.clear();
    this.stageAt.clear();
    this.hops = { gateway: [], registry: [], matching: [], 'admin-api': [] };
    this.outstanding.clear();
    this.dbSeen.clear();
    this.visible = [];
    this.onKafka = [];
    this.api = [];
    this.apiVsDb = [];
    this.proposals = 0;
    this.apiCount = 0;
    this.apiFailures = 0;
    this.lastVisibleAt = 0;
    this.apiEvery = Math.max(1, Math.floor(expectedProposals / apiSamples));
  }

  get pending(): number {
    return this.outstanding.size + this.apiInflight;
  }

  get apiStats() {
    return { checks: this.apiCount, failures: this.apiFailures };
  }

  private async poll(): Promise<void> {
    while (this.running) {
      if (this.outstanding.size > 0) {
        const ids = [...this.outstanding.keys()].slice(0, 5000);
        const issued = now();
        const issuedWall = Date.now();
        try {
          const r = await this.ctx.db.query<{ id: string }>('SELECT id FROM admin_api.proposal_view WHERE id = ANY($1::uuid[])', [ids]);
          for (const { id } of r.rows) {
            const o = this.outstanding.get(id);
            if (!o) continue;
            this.outstanding.delete(id);
            this.visible.push(issued - o.pub);
            const pubWall = this.pubWall.get(o.corr);
            const at = this.stageAt.get(o.corr);
            if (pubWall !== undefined && at?.intake !== undefined && at.records !== undefined) {
              this.hops.gateway.push(at.intake - pubWall);
              this.hops.registry.push(at.records - at.intake);
              this.hops.matching.push(o.matchTs - at.records);
              this.hops['admin-api'].push(issuedWall - o.matchTs);
            }
            this.dbSeen.set(id, issued);
            this.lastVisibleAt = Math.max(this.lastVisibleAt, Date.now());
          }
        } catch (e) {
          log(`poll failed: ${(e as Error).message}`);
        }
      }
      await sleep(25);
    }
  }

  private async checkApi(id: string, pub: number): Promise<void> {
    this.apiInflight++;
    try {
      const deadline = now() + 60_000;
      while (this.running && now() < deadline) {
        const issued = now();
        const res = await fetch(`${this.ctx.services.find((s) => s.name === 'admin-api')!.url}/proposals/${id}`, {
          headers: { authorization: `Bearer ${this.ctx.token}` },
        });
        await res.arrayBuffer();
        if (res.status === 200) {
          this.api.push(issued - pub);
          this.apiCount++;
          const db = this.dbSeen.get(id);
          if (db !== undefined) this.apiVsDb.push(issued - db);
          return;
        }
        if (res.status !== 404) {
          this.apiFailures++;
          log(`API check ${id}: HTTP ${res.status}`);
          return;
        }
        await sleep(50);
      }
      this.apiFailures++;
    } catch (e) {
      this.apiFailures++;
      log(`API check failed: ${(e as Error).message}`);
    } finally {
      this.apiInflight--;
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.consumer?.disconnect().catch(() => undefined);
  }
}

// ------------------------------------------------------------------ resources --

interface ProcSet { name: string; pids: () => number[] }
interface ResourceWindow { cpu: Map<string, number>; peakRss: Map<string, number>; machine: { busy: number; total: number }; bench: NodeJS.CpuUsage; wall: number }

function processSets(ctx: Context): ProcSet[] {
  const sets: ProcSet[] = ctx.services.map((s) => ({ name: s.name, pids: () => (s.child.pid ? [s.child.pid] : []) }));
  if (ctx.brokerPid) sets.push({ name: 'kafka broker (JVM)', pids: () => [ctx.brokerPid!] });
  sets.push({ name: 'postgres backends', pids: () => [] }); // measured by ResourceMeter.sampleBackends
  sets.push({ name: 'postgres wal/bg writers', pids: () => findPids(['postgres: ']).filter((p) => /writer|checkpointer/.test(safeCmd(p))) });
  return sets;
}

function safeCmd(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}


async function dbActivity(ctx: Context): Promise<Record<string, number>> {
  const r = await ctx.db.query<Record<string, string>>(
    `SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted, tup_returned, tup_fetched, blks_read, blks_hit
       FROM pg_stat_database WHERE datname = current_database()`);
  await ctx.db.query('SELECT pg_stat_clear_snapshot()');
  return Object.fromEntries(Object.entries(r.rows[0]).map(([k, v]) => [k, Number(v)]));
}

interface TableReads { seqScans: number; seqRowsRead: number; idxScans: number; idxEntriesRead: number }

/** Rows read per table so far (sequential scans, and index entries returned: what `tup_returned` adds up). */
async function tableReads(ctx: Context): Promise<Map<string, TableReads>> {
  const r = await ctx.db.query<{ t: string; seq_scan: string; seq_tup_read: string; idx_scan: string; idx_tup_read: string }>(
    `SELECT t.schemaname || '.' || t.relname AS t, t.seq_scan, t.seq_tup_read, coalesce(sum(i.idx_scan), 0) AS idx_scan, coalesce(sum(i.idx_tup_read), 0) AS idx_tup_read
       FROM pg_stat_user_tables t LEFT JOIN pg_stat_user_indexes i ON i.relid = t.relid
      GROUP BY 1, 2, 3`);
  await ctx.db.query('SELECT pg_stat_clear_snapshot()');
  return new Map(r.rows.map((x) => [x.t, { seqScans: Number(x.seq_scan), seqRowsRead: Number(x.seq_tup_read), idxScans: Number(x.idx_scan), idxEntriesRead: Number(x.idx_tup_read) }]));
}

/** The tables read most between two `tableReads` (rows and index entries read), largest first. */
function topTableReads(before: Map<string, TableReads>, after: Map<string, TableReads>, n = 10): Record<string, TableReads> {
  const rows = [...after].map(([t, a]) => {
    const b = before.get(t) ?? { seqScans: 0, seqRowsRead: 0, idxScans: 0, idxEntriesRead: 0 };
    return [t, { seqScans: a.seqScans - b.seqScans, seqRowsRead: a.seqRowsRead - b.seqRowsRead, idxScans: a.idxScans - b.idxScans, idxEntriesRead: a.idxEntriesRead - b.idxEntriesRead }] as const;
  });
  return Object.fromEntries(rows.sort((x, y) => (y[1].seqRowsRead + y[1].idxEntriesRead) - (x[1].seqRowsRead + x[1].idxEntriesRead)).slice(0, n));
}

/** Sum of the end offsets of every topic of this run (messages ever appended). */
async function producedMessages(ctx: Context): Promise<number> {
  const topics = (await ctx.admin.listTopics()).filter((t) => t.startsWith(`${ctx.prefix}.`) && !t.includes('.bench-raw-'));
  let n = 0;
  for (const t of topics) n += await endOffsetsOf(ctx, t);
  return n;
}

class ResourceMeter {
  private start?: ResourceWindow;
  private sets: ProcSet[] = [];
  private readonly peak = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly ctx: Context) {}

  private dbStart?: Record<string, number>;
  private readsStart?: Map<string, TableReads>;
  private producedStart = 0;
  /** database backends seen during the window: CPU at first sight (0 if born in the window) and last */
  private readonly backends = new Map<number, { first: number; last: number }>();
  private ownBackend = 0;

  private sampleBackends(initial: boolean): void {
    const dbName = new URL(DATABASE_URL).pathname.slice(1);
    for (const pid of findPids(['postgres: ', ` ${dbName} `])) {
      if (pid === this.ownBackend) continue;
      const cpu = readProc(pid)?.cpuSeconds;
      if (cpu === undefined) continue;
      const seen = this.backends.get(pid);
      if (seen) seen.last = cpu;
      else this.backends.set(pid, { first: initial ? cpu : 0, last: cpu });
    }
  }

  async begin(): Promise<void> {
    this.ownBackend = (await this.ctx.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    this.backends.clear();
    this.sampleBackends(true);
    this.sets = processSets(this.ctx);
    this.peak.clear();
    this.dbStart = await dbActivity(this.ctx);
    this.readsStart = await tableReads(this.ctx);
    this.producedStart = await producedMessages(this.ctx);
    this.start = this.snapshot();
    this.timer = setInterval(() => this.samplePeak(), 1000);
  }

  private ticks = 0;
  private readonly began = Date.now();
  /** resident memory of each service every 10 s (growth shows in long passes, e.g. a soak) */
  private readonly rssTimeline: Array<{ t: number; rssMiB: Record<string, number> }> = [];

  private samplePeak(): void {
    this.sampleBackends(false);
    const rss: Record<string, number> = {};
    for (const s of this.ctx.services) {
      const p = s.child.pid ? readProc(s.child.pid) : undefined;
      if (p) this.peak.set(s.name, Math.max(this.peak.get(s.name) ?? 0, p.rssMiB));
      if (p) rss[s.name] = round(p.rssMiB, 0);
    }
    if (this.ticks++ % 10 === 0) this.rssTimeline.push({ t: round((Date.now() - this.began) / 1000, 0), rssMiB: rss });
    if (this.ctx.brokerPid) {
      const p = readProc(this.ctx.brokerPid);
      if (p) this.peak.set('kafka broker (JVM)', Math.max(this.peak.get('kafka broker (JVM)') ?? 0, p.rssMiB));
    }
  }

  private snapshot(): ResourceWindow {
    const cpu = new Map<string, number>();
    for (const s of this.sets) cpu.set(s.name, cpuOf(s.pids()));
    return { cpu, peakRss: new Map(), machine: machineCpu(), bench: process.cpuUsage(), wall: Date.now() };
  }

  async end(): Promise<Record<string, unknown>> {
    clearInterval(this.timer);
    this.samplePeak();
    const end = this.snapshot();
    // backends: sampled every second, so connections closed during the window still count
    end.cpu.set('postgres backends', [...this.backends.values()].reduce((a, b) => a + b.last - b.first, 0));
    this.start!.cpu.set('postgres backends', 0);
    const start = this.start!;
    const wall = (end.wall - start.wall) / 1000;
    const out: Record<string, { cpuSeconds: number; cores: number; peakRssMiB?: number }> = {};
    let ours = 0;
    for (const s of this.sets) {
      const cpu = (end.cpu.get(s.name) ?? 0) - (start.cpu.get(s.name) ?? 0);
      ours += cpu;
      out[s.name] = { cpuSeconds: round(cpu, 2), cores: round(cpu / wall, 2), ...(this.peak.has(s.name) ? { peakRssMiB: round(this.peak.get(s.name)!, 0) } : {}) };
    }
    const benchCpu = (end.bench.user - start.bench.user + end.bench.system - start.bench.system) / 1e6;
    ours += benchCpu;
    out['bench (load generator + probes)'] = { cpuSeconds: round(benchCpu, 2), cores: round(benchCpu / wall, 2) };
    const busy = end.machine.busy - start.machine.busy;
    const total = end.machine.total - start.machine.total;
    return {
      wallSeconds: round(wall, 1),
      /** database work in the window (pg_stat_database deltas; includes the benchmark's probes) */
      database: Object.fromEntries(Object.entries(await dbActivity(this.ctx)).map(([k, v]) => [k, v - (this.dbStart?.[k] ?? 0)])),
      /** the tables PostgreSQL read most in the window (statistics arrive up to a second late) */
      tablesRead: topTableReads(this.readsStart!, await tableReads(this.ctx)),
      /** messages appended to this run's topics in the window (every hop, the agency's events included) */
      kafkaMessages: (await producedMessages(this.ctx)) - this.producedStart,
      processes: out,
      rssTimeline: this.rssTimeline,
      machineBusyCores: round(busy / wall, 2),
      machineCores: round(total / wall, 2),
      /** CPU used by processes not part of this benchmark (other work on the machine) */
      otherProcessesCores: round(Math.max(0, busy - ours) / wall, 2),
    };
  }
}

// ------------------------------------------------------------------ publishing --

async function sendEvents(ctx: Context, events: GeneratedEvent[]): Promise<void> {
  const byTopic = new Map<string, Array<{ key: string; value: string }>>();
  for (const e of events) {
    const topic = ctx.topics.agencyInbound(e.agencyId);
    let list = byTopic.get(topic);
    if (!list) byTopic.set(topic, (list = []));
    list.push({ key: e.key, value: e.value });
  }
  await ctx.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
}

/**
 * Offers `events` at `rate` per second (0 = as fast as the producer goes), one request in flight
 * (so each record's events stay in order, as an agency's idempotent producer keeps them).
 * Records each event's publish time (when it was handed to the producer).
 */
async function publish(ctx: Context, events: GeneratedEvent[], rate: number, track: boolean, progress?: Progress): Promise<{ firstWall: number; seconds: number }> {
  const firstWall = Date.now();
  const t0 = now();
  let i = 0;
  while (i < events.length) {
    let end: number;
    if (rate > 0) {
      const due = Math.min(events.length, Math.floor(((now() - t0) / 1000) * rate) + 1);
      if (due <= i) {
        await sleep(Math.max(1, Math.min(5, (i / rate) * 1000 - (now() - t0))));
        continue;
      }
      end = Math.min(due, i + 1000);
    } else {
      end = Math.min(events.length, i + 500);
    }
    const chunk = events.slice(i, end);
    i = end;
    if (track) {
      const t = now();
      const wall = Date.now();
      for (const e of chunk) {
        ctx.tracker.pub.set(e.eventId, t);
        ctx.tracker.pubWall.set(e.eventId, wall);
      }
    }
    await sendEvents(ctx, chunk);
    progress?.update(i, 'publishing');
  }
  return { firstWall, seconds: (now() - t0) / 1000 };
}

/** Consumer lag of every group, sampled about once a second, kept as a timeline. */
class LagRecorder {
  readonly timeline: Array<{ t: number; total: number; byService: Record<string, number> }> = [];
  readonly max: Record<string, number> = {};
  latest?: LagSample;
  private last = 0;

  constructor(private readonly ctx: Context, private readonly origin: number, private readonly everyMs = 1000) {}

  async sample(): Promise<LagSample | undefined> {
    try {
      const lag = await sampleLag(this.ctx);
      this.latest = lag;
      if (Date.now() - this.last >= this.everyMs - 50) {
        this.last = Date.now();
        this.timeline.push({ t: round((Date.now() - this.origin) / 1000, 1), total: lag.total, byService: lag.byService });
      }
      for (const [k, v] of Object.entries(lag.byService)) this.max[k] = Math.max(this.max[k] ?? 0, v);
      return lag;
    } catch (e) {
      log(`lag sample failed: ${(e as Error).message}`);
      return undefined;
    }
  }
}

/** Waits until every group's lag is 0, every outbox is empty and no topic grew since the last look. */
async function waitDrained(ctx: Context, lag: LagRecorder, timeoutS: number, onTick?: (lag: LagSample) => void): Promise<boolean> {
  const deadline = Date.now() + timeoutS * 1000;
  let previous = '';
  while (Date.now() < deadline) {
    const sample = await lag.sample();
    if (sample) {
      onTick?.(sample);
      const outbox = sample.total === 0 ? await outboxBacklog(ctx) : 1;
      const quiet = sample.total === 0 && outbox === 0 && ctx.tracker.pending === 0;
      if (quiet && sample.signature === previous) return true;
      previous = quiet ? sample.signature : '';
    }
    await sleep(1000);
  }
  return false;
}

// ------------------------------------------------------------------ one pass --

interface PassResult {
  name: string;
  rateSpec?: string;
  offeredRate: number | 'full speed';
  events: number;
  eventsByType: Partial<Record<AgencyEventType, number>>;
  publishSeconds: number;
  achievedOfferedRate: number;
  drained: boolean;
  /** seconds from the first publish until each consumer stage handled its last event of the pass */
  stageDoneSeconds: Record<string, number>;
  /** messages each service handled during the pass (inbox rows) */
  handled: Record<string, number>;
  /** agency events per second, fully processed by every consumer */
  throughput: number;
  /** agency events per second until registry, matching and the proposals' projection were done */
  throughputProposalsVisible: number;
  newProposals: number;
  latencyMs?: { visible: Pct; onKafka: Pct; api: Pct & { failures: number }; apiMinusDb: Pct; hops: Record<string, Pct> };
  maxLag: Record<string, number>;
  lagTimeline: Array<{ t: number; total: number; byService: Record<string, number> }>;
  deadLetters: number;
  resources: Record<string, unknown>;
  /** CPU milliseconds each process spent per agency event of the pass (contention-independent cost) */
  cpuMsPerEvent: Record<string, number>;
  /** database transactions, rows written and Kafka messages per agency event */
  perEvent: Record<string, number>;
}

/** Cores the benchmarked system (services, broker, database) burns with no load at all. */
function systemIdleCores(idle: Record<string, unknown>): number {
  const procs = idle.processes as Record<string, { cores: number }>;
  return Object.entries(procs).filter(([k]) => !k.startsWith('bench')).reduce((a, [, v]) => a + v.cores, 0);
}

function workPerEvent(resources: Record<string, unknown>, events: number): Record<string, number> {
  const db = resources.database as Record<string, number>;
  const n = Math.max(1, events);
  return {
    dbTransactions: round(db.xact_commit / n, 1),
    rowsWritten: round((db.tup_inserted + db.tup_updated + db.tup_deleted) / n, 1),
    /** rows and index entries PostgreSQL read (tup_returned; catalog reads included) */
    rowsRead: round(db.tup_returned / n, 0),
    kafkaMessages: round((resources.kafkaMessages as number) / n, 1),
  };
}

function cpuPerEvent(resources: Record<string, unknown>, events: number): Record<string, number> {
  const procs = resources.processes as Record<string, { cpuSeconds: number }>;
  const out: Record<string, number> = {};
  let total = 0;
  for (const [k, v] of Object.entries(procs)) {
    out[k] = round((v.cpuSeconds * 1000) / Math.max(1, events), 2);
    if (!k.startsWith('bench')) total += v.cpuSeconds;
  }
  /** services + broker + database, without the benchmark's own process */
  out['system total'] = round((total * 1000) / Math.max(1, events), 1);
  return out;
}

async function inboxStats(ctx: Context, sinceWall: number): Promise<Record<string, { n: number; last: number }>> {
  const out: Record<string, { n: number; last: number }> = {};
  for (const s of SCHEMAS) {
    const r = await ctx.db.query<{ n: number; last: string | null }>(
      `SELECT count(*)::int AS n, (extract(epoch from max(processed_at)) * 1000)::float8 AS last FROM "${s}".processed_event WHERE processed_at >= to_timestamp($1::float8 / 1000)`,
      [sinceWall - 50],
    );
    out[s] = { n: r.rows[0].n, last: r.rows[0].last === null ? 0 : Number(r.rows[0].last) };
  }
  return out;
}

async function runPass(ctx: Context, name: string, events: GeneratedEvent[], rate: number, opts: { track: boolean; expectedProposals?: number }): Promise<PassResult> {
  const progress = new Progress(name, events.length);
  await learnGroupTopics(ctx);
  const dltTopic = ctx.topics.internal(INTERNAL_TOPICS.deadLetter);
  const dltBefore = await endOffsetsOf(ctx, dltTopic);
  ctx.tracker.beginPass(opts.expectedProposals ?? Math.max(1, events.length * 0.4));
  const meter = new ResourceMeter(ctx);
  await meter.begin();
  const lag = new LagRecorder(ctx, Date.now());
  let publishing = true;
  const lagLoop = (async () => {
    while (publishing) {
      await lag.sample();
      await sleep(1000);
    }
  })();
  const pubbed = await publish(ctx, events, rate, opts.track, progress);
  publishing = false;
  await lagLoop;
  const total = events.length;
  const drained = await waitDrained(ctx, lag, ctx.o.drainTimeoutS + events.length / 2, (l) => {
    progress.update(total, `draining: lag ${l.total} (${Object.entries(l.byService).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  });
  const resources = await meter.end();
  const inbox = await inboxStats(ctx, pubbed.firstWall);
  const lastAll = Math.max(...Object.values(inbox).map((x) => x.last));
  const lastVisible = Math.max(inbox.registry.last, inbox.matching.last, ctx.tracker.lastVisibleAt);
  const stageDoneSeconds: Record<string, number> = {};
  for (const [k, v] of Object.entries(inbox)) stageDoneSeconds[k] = v.last ? round((v.last - pubbed.firstWall) / 1000, 2) : NaN;
  const seconds = (lastAll - pubbed.firstWall) / 1000;
  const byType: Partial<Record<AgencyEventType, number>> = {};
  for (const e of events) byType[e.type] = (byType[e.type] ?? 0) + 1;
  const t = ctx.tracker;
  const result: PassResult = {
    name,
    offeredRate: rate > 0 ? rate : 'full speed',
    events: events.length,
    eventsByType: byType,
    publishSeconds: round(pubbed.seconds, 2),
    achievedOfferedRate: round(events.length / Math.max(pubbed.seconds, 1e-3), 0),
    drained,
    stageDoneSeconds,
    handled: Object.fromEntries(Object.entries(inbox).map(([k, v]) => [k, v.n])),
    throughput: round(events.length / Math.max(seconds, 1e-3), 1),
    throughputProposalsVisible: round(events.length / Math.max((lastVisible - pubbed.firstWall) / 1000, 1e-3), 1),
    newProposals: t.proposals,
    ...(opts.track ? {
      latencyMs: {
        visible: pct(t.visible), onKafka: pct(t.onKafka), api: { ...pct(t.api), failures: t.apiStats.failures }, apiMinusDb: pct(t.apiVsDb),
        hops: Object.fromEntries(Object.entries(t.hops).map(([k, v]) => [k, pct(v)])),
      },
    } : {}),
    maxLag: lag.max,
    lagTimeline: lag.timeline,
    deadLetters: (await endOffsetsOf(ctx, dltTopic)) - dltBefore,
    resources,
    cpuMsPerEvent: cpuPerEvent(resources, events.length),
    perEvent: workPerEvent(resources, events.length),
  };
  const lat = result.latencyMs ? ` p50/p95/p99 ${result.latencyMs.visible.p50}/${result.latencyMs.visible.p95}/${result.latencyMs.visible.p99} ms` : '';
  progress.finish(total, `${drained ? 'done' : 'NOT DRAINED'}: ${result.throughput} ev/s${lat}`);
  return result;
}

// ------------------------------------------------------------------ raw pass-through --

async function rawPassThrough(ctx: Context, events: GeneratedEvent[], run: number) {
  const topic = `${ctx.prefix}.bench-raw-${run}`;
  await ctx.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: ctx.o.partitions, replicationFactor: 1 }] });
  const consumer = ctx.kafka.consumer({ groupId: `${ctx.prefix}.bench-raw-${run}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let received = 0;
  let lastAt = 0;
  let bytes = 0;
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      partitionsConsumedConcurrently: ctx.o.partitions,
      eachBatch: async ({ batch }) => {
        received += batch.messages.length;
        for (const m of batch.messages) bytes += m.value?.length ?? 0;
        lastAt = now();
        if (received >= events.length) resolve();
      },
    });
  });
  await new Promise<void>((resolve) => {
    consumer.on(consumer.events.GROUP_JOIN, () => resolve());
  });
  // a producer of its own, so the deleted topic never lingers in a shared producer's metadata
  const producer = ctx.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [] }).catch(() => undefined);
  const progress = new Progress(run === 0 ? 'raw kafka (reference)' : `raw kafka (run ${run})`, events.length);
  const t0 = now();
  const inflight = new Set<Promise<unknown>>();
  for (let i = 0; i < events.length; i += 500) {
    const chunk = events.slice(i, i + 500);
    const p: Promise<unknown> = producer.send({ topic, acks: -1, messages: chunk.map((e) => ({ key: e.key, value: e.value })) }).finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= 4) await Promise.race(inflight);
    progress.update(received, 'producing');
  }
  await Promise.all(inflight);
  const produced = now();
  const timer = setInterval(() => progress.update(received, 'consuming'), 200);
  await Promise.race([done, sleep(120_000)]);
  clearInterval(timer);
  await consumer.disconnect();
  await producer.disconnect();
  await ctx.admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  const seconds = (lastAt - t0) / 1000;
  const r = {
    messages: events.length,
    received,
    avgBytes: round(bytes / Math.max(1, received), 0),
    produceSeconds: round((produced - t0) / 1000, 3),
    seconds: round(seconds, 3),
    throughput: round(received / Math.max(seconds, 1e-3), 0),
  };
  progress.finish(received, `${r.throughput} msg/s`);
  return r;
}

// ------------------------------------------------------------------ backlog (stored records) --

async function loadBacklog(ctx: Context, perSide: number, stream: EventStream) {
  const total = perSide * 2;
  const progress = new Progress(`backlog ${perSide}/side`, total);
  await learnGroupTopics(ctx);
  const meter = new ResourceMeter(ctx);
  await meter.begin();
  const firstWall = Date.now();
  const t0 = now();
  let sent = 0;
  while (sent < total) {
    const n = Math.min(1000, total - sent);
    await sendEvents(ctx, Array.from({ length: n }, () => stream.nextBacklog()));
    sent += n;
    progress.update(sent, 'publishing');
  }
  const publishSeconds = (now() - t0) / 1000;
  const lag = new LagRecorder(ctx, firstWall, 5000);
  const drained = await waitDrained(ctx, lag, Math.max(ctx.o.drainTimeoutS, total), (l) => {
    progress.update(total - Math.min(total, l.byService['agency-gateway'] ?? 0), `lag ${l.total}: ${Object.entries(l.byService).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  });
  const timeline = lag.timeline;
  const resources = await meter.end();
  const inbox = await inboxStats(ctx, firstWall);
  const lastAll = Math.max(...Object.values(inbox).map((x) => x.last));
  const seconds = (lastAll - firstWall) / 1000;
  const result = {
    perSide,
    events: total,
    publishSeconds: round(publishSeconds, 1),
    drained,
    seconds: round(seconds, 1),
    throughput: round(total / Math.max(seconds, 1e-3), 1),
    stageDoneSeconds: Object.fromEntries(Object.entries(inbox).map(([k, v]) => [k, round((v.last - firstWall) / 1000, 1)])),
    handled: Object.fromEntries(Object.entries(inbox).map(([k, v]) => [k, v.n])),
    lagTimeline: timeline,
    resources,
    cpuMsPerEvent: cpuPerEvent(resources, total),
    perEvent: workPerEvent(resources, total),
  };
  progress.finish(total, `${drained ? 'done' : 'NOT DRAINED'} in ${result.seconds} s: ${result.throughput} ev/s`);
  return result;
}

// ------------------------------------------------------------------ matching restart --

/**
 * Starts the matching service as startServices does (same command, environment and log file) but
 * waits for readiness as long as it takes (startServices gives up after 90 s, which a large index
 * exceeds), watching its memory meanwhile.
 */
async function startMatching(ctx: Context, timeoutMs: number): Promise<{ service: ServiceChild; peakRssMiB: number }> {
  const port = PORT_BASE + 3;
  const child = spawn(process.execPath, ['--enable-source-maps', path.join(ctx.distRoot, 'dist', 'apps', 'matching', 'src', 'main.js')], {
    cwd: ctx.distRoot,
    env: { ...process.env, ...ctx.env, HTTP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = createWriteStream(path.join(ctx.logDir, 'matching.log'), { flags: 'a' });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  const service: ServiceChild = { name: 'matching', port, child, url: `http://127.0.0.1:${port}` };
  const deadline = now() + timeoutMs;
  let peak = 0;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`matching exited (${child.exitCode ?? child.signalCode}) while starting; see ${path.join(ctx.logDir, 'matching.log')}`);
    const p = child.pid ? readProc(child.pid) : undefined;
    if (p) peak = Math.max(peak, p.rssMiB);
    try {
      const res = await fetch(`${service.url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return { service, peakRssMiB: peak };
    } catch { /* not listening yet */ }
    if (now() > deadline) {
      await system.stopServices([service]);
      throw new Error(`matching not ready after ${timeoutMs / 1000} s`);
    }
    await sleep(250);
  }
}

async function timeMatchingRestart(ctx: Context, alreadyStopped = false) {
  const idx = ctx.services.findIndex((s) => s.name === 'matching');
  const old = ctx.services[idx];
  const candidates = await ctx.db.query<{ side: string; n: number }>(`SELECT side, count(*)::int AS n FROM matching.candidate WHERE active GROUP BY side`);
  log(`restarting matching with ${candidates.rows.map((r) => `${r.n} ${r.side}`).join(', ')} candidates stored`);
  const stopT = now();
  if (!alreadyStopped) await system.stopServices([old]);
  const stopSeconds = (now() - stopT) / 1000;
  const t0 = now();
  const { service: fresh, peakRssMiB } = await startMatching(ctx, 45 * 60_000);
  const readySeconds = (now() - t0) / 1000;
  ctx.services[idx] = fresh;
  let indexLoad: string | undefined;
  try {
    const lines = readFileSync(path.join(ctx.logDir, 'matching.log'), 'utf8').split('\n').filter((l) => l.includes('candidate index loaded'));
    indexLoad = /candidate index loaded[^"]*/.exec(lines[lines.length - 1] ?? '')?.[0];
  } catch { /* no log */ }
  const rss = fresh.child.pid ? readProc(fresh.child.pid) : undefined;
  const r = {
    stored: Object.fromEntries(candidates.rows.map((x) => [x.side, x.n])),
    stopSeconds: round(stopSeconds, 2),
    readySeconds: round(readySeconds, 2),
    indexLoadLog: indexLoad,
    /** where the index came from: a sealed snapshot (+ rows changed since) or the candidate table */
    bootFrom: indexLoad?.includes('from snapshot') ? 'snapshot' : 'table',
    rssAfterReadyMiB: rss ? round(rss.rssMiB, 0) : undefined,
    peakRssWhileLoadingMiB: round(peakRssMiB, 0),
  };
  log(`matching ready ${r.readySeconds} s after restart (${indexLoad ?? 'no index log line'})`);
  return r;
}

/** Waits for a line of matching's log (written after byte `from`) and returns the match. */
async function waitForMatchingLog(ctx: Context, pattern: RegExp, from: number, timeoutMs: number): Promise<string | undefined> {
  const file = path.join(ctx.logDir, 'matching.log');
  const deadline = now() + timeoutMs;
  for (;;) {
    try {
      const m = pattern.exec(readFileSync(file).subarray(from).toString('utf8'));
      if (m) return m[0];
    } catch { /* no log yet */ }
    if (now() > deadline) return undefined;
    await sleep(500);
  }
}

const matchingLogSize = (ctx: Context) => {
  try {
    return statSync(path.join(ctx.logDir, 'matching.log')).size;
  } catch {
    return 0;
  }
};

/**
 * Restart with a large candidate store: stops matching, bulk-loads `perSide` children and sought
 * children into matching's own `candidate` table (profiles made by the service's own mapping
 * functions from generated registrations and tracing requests), starts it and times readiness.
 * Only matching holds these records (no registry rows, no projections): this measures what a
 * restart costs the matching service with that many stored records, which is what it reads at boot.
 */
async function bulkLoadAndRestart(ctx: Context, perSide: number, seed: number) {
  const idx = ctx.services.findIndex((s) => s.name === 'matching');
  await system.stopServices([ctx.services[idx]]);
  const loadSeconds = await bulkLoadCandidates(ctx.db, perSide, seed);
  const tableSize = (await ctx.db.query<{ s: string }>(`SELECT pg_size_pretty(pg_total_relation_size('matching.candidate')) AS s`)).rows[0].s;
  // cold boot: no snapshot (the one written at the last shutdown predates the bulk load), full load
  // from the table; the stopped instance is replaced by timeMatchingRestart's fresh one
  rmSync(ctx.env.MATCHING_SNAPSHOT_DIR, { recursive: true, force: true });
  const logFrom = matchingLogSize(ctx);
  const cold = await timeMatchingRestart(ctx, true);
  // after a full load the service writes a sealed snapshot in the background; then restart from it
  const writtenLog = await waitForMatchingLog(ctx, /candidate index snapshot written \(after full load\)[^"]*/, logFrom, 30 * 60_000);
  log(writtenLog ? `matching: ${writtenLog}` : 'matching: no snapshot written after the full load');
  const snapshotBytes = (() => {
    try {
      return readdirSync(ctx.env.MATCHING_SNAPSHOT_DIR).reduce((a, f) => a + statSync(path.join(ctx.env.MATCHING_SNAPSHOT_DIR, f)).size, 0);
    } catch {
      return 0;
    }
  })();
  const fromSnapshot = writtenLog ? await timeMatchingRestart(ctx) : undefined;
  return {
    perSide, bulkLoadSeconds: round(loadSeconds, 1), candidateTable: tableSize, ...cold,
    cold, fromSnapshot: fromSnapshot && { ...fromSnapshot, snapshotWriteLog: writtenLog, snapshotFileMiB: round(snapshotBytes / 2 ** 20, 0) },
  };
}

/**
 * Inserts `perSide` children and sought children into matching's `candidate` table of the database
 * `db` is connected to (matching migrated, key vault schema present); returns the seconds it took.
 */
export async function bulkLoadCandidates(db: Client, perSide: number, seed: number): Promise<number> {
  const stream = new EventStream((seed ^ 0x5f3759df) >>> 0, 'bulk');
  // stored as the service stores them: sealed under each subject's own data key, the keys wrapped
  // by the master key the services use (the dev key unless MASTER_KEY is set) in the key vault
  const wrapper = new LocalMasterKeyWrapper(loadMasterKey({ MASTER_KEY: process.env.MASTER_KEY, NODE_ENV: 'development' }));
  const progress = new Progress(`bulk load ${perSide}/side`, perSide * 2);
  const t0 = now();
  let children = 0;
  let sought = 0;
  while (children < perSide || sought < perSide) {
    const cols = { id: [] as string[], rid: [] as string[], side: [] as string[], agency: [] as string[], profile: [] as string[], fp: [] as string[] };
    const keys = new InMemorySubjectKeyStore();
    const cipher = new SubjectCipher(keys);
    const subjects = new Set<string>();
    while (cols.id.length < 2000 && (children < perSide || sought < perSide)) {
      const ev = stream.nextBacklog();
      const e = JSON.parse(ev.value) as { agencyId: string; agencyRecordId: string; data: unknown };
      const ref = { id: randomUUID(), agencyId: e.agencyId, agencyRecordId: e.agencyRecordId, revision: 1 };
      const isChild = ev.type === 'child.registered';
      if ((isChild && children >= perSide) || (!isChild && sought >= perSide)) continue;
      const profiles = isChild
        ? [childToMatchRecord({ ...ref, record: e.data as never })]
        : tracingRequestToMatchRecords({ ...ref, request: e.data as never });
      for (const p of profiles) {
        cols.id.push(p.id);
        cols.rid.push(ref.id);
        cols.side.push(p.side);
        cols.agency.push(p.agencyId);
        cols.profile.push(JSON.stringify(await sealProfile(cipher, p)));
        subjects.add(subjectIdOf(p));
        cols.fp.push(profileFingerprint(p));
      }
      if (isChild) children++;
      else sought += profiles.length;
    }
    const vault = { subject: [] as string[], keyId: [] as string[], wrapped: [] as string[] };
    for (const subjectId of subjects) {
      const key = (await keys.find(subjectId))!;
      vault.subject.push(subjectId);
      vault.keyId.push(key.keyId);
      vault.wrapped.push(await wrapper.wrap(key.dek, subjectId));
    }
    await db.query(
      `INSERT INTO ${KEY_VAULT_SCHEMA}.subject_key (subject_id, key_id, wrapped_key, master_key_id)
       SELECT s, k, w, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(s, k, w)`,
      [vault.subject, vault.keyId, vault.wrapped, wrapper.masterKeyId],
    );
    await db.query(
      `INSERT INTO matching.candidate (id, record_id, side, agency_id, revision, active, profile, fingerprint)
       SELECT id, rid, side, agency, 1, true, profile, fp FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::jsonb[], $6::text[]) AS t(id, rid, side, agency, profile, fp)`,
      [cols.id, cols.rid, cols.side, cols.agency, cols.profile, cols.fp],
    );
    progress.update(children + sought, 'inserting');
  }
  const loadSeconds = (now() - t0) / 1000;
  progress.finish(children + sought, `${round(loadSeconds, 1)} s`);
  await db.query('ANALYZE matching.candidate');
  return loadSeconds;
}

// ------------------------------------------------------------------ profiling --

async function profileServices(ctx: Context, stream: EventStream, events: number, rate = 0) {
  const dir = ctx.env.KINLINK_BENCH_PROFILE_DIR;
  mkdirSync(dir, { recursive: true });
  for (const s of ctx.services) rmSync(path.join(dir, `${s.name}.cpuprofile`), { force: true });
  // the services' preloaded profiler (cpu-profiler.cjs) polls this file
  writeFileSync(path.join(dir, 'control'), `start ${Date.now()}\n`);
  await sleep(600);
  const batch = Array.from({ length: events }, () => stream.next());
  const pass = await runPass(ctx, rate > 0 ? `profile pass (${rate}/s)` : 'profile pass (full speed)', batch, rate, { track: false });
  writeFileSync(path.join(dir, 'control'), `stop ${Date.now()}\n`);
  const out: Record<string, ProfileSummary> = {};
  for (const s of ctx.services) {
    const file = path.join(dir, `${s.name}.cpuprofile`);
    const deadline = Date.now() + 20_000;
    while (!existsSync(file) && Date.now() < deadline) await sleep(200);
    if (!existsSync(file)) {
      log(`no profile from ${s.name}`);
      continue;
    }
    out[s.name] = summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, 25);
    log(formatSummary(s.name, out[s.name], 8));
  }
  return {
    dir: path.relative(repo.ROOT, dir),
    pass: { events: pass.events, offeredRate: pass.offeredRate, throughput: pass.throughput, cpuMsPerEvent: pass.cpuMsPerEvent, perEvent: pass.perEvent, resources: pass.resources },
    services: out,
  };
}

// ------------------------------------------------------------------ database probes --

/**
 * Outcomes that must not depend on how many instances run: no pair proposed under two ids (the
 * admin API's read model has one row per proposal id), and every consumer handled each of its
 * messages once (inbox rows; the benchmark's own passes count per-pass handling).
 */
async function checkIntegrity(ctx: Context) {
  const q = async (sql: string) => Number((await ctx.db.query<{ n: string }>(sql)).rows[0].n);
  return {
    proposals: await q('SELECT count(*) AS n FROM admin_api.proposal_view'),
    pairsProposedUnderTwoIds: await q(`SELECT count(*) AS n FROM (SELECT 1 FROM admin_api.proposal_view
      GROUP BY kind, left_side->>'id', coalesce(left_side->>'ref', ''), right_side->>'id', coalesce(right_side->>'ref', '') HAVING count(*) > 1) d`),
    matchingProposalRows: await q('SELECT count(*) AS n FROM matching.proposal'),
    registryRecords: await q('SELECT (SELECT count(*) FROM registry.child) + (SELECT count(*) FROM registry.tracing_request) AS n'),
    matchingRecordsHandled: await q(`SELECT count(*) AS n FROM matching.processed_event`),
    registryEventsHandled: await q(`SELECT count(*) AS n FROM registry.processed_event`),
  };
}

/**
 * Latency of a one-row transaction, with and without waiting for the WAL flush (fsync). A logged
 * table in the benchmark's own database (a temporary table writes no WAL, so it never waits).
 */
async function commitLatency(ctx: Context): Promise<{ syncOnMs: number; syncOffMs: number }> {
  const c = ctx.db;
  await c.query('CREATE TABLE IF NOT EXISTS public.bench_commit_probe (id serial PRIMARY KEY, v text)');
  const time = async (sync: 'on' | 'off') => {
    await c.query(`SET synchronous_commit = ${sync}`);
    const t0 = now();
    for (let i = 0; i < 200; i++) {
      await c.query('BEGIN');
      await c.query('INSERT INTO bench_commit_probe (v) VALUES ($1)', ['x']);
      await c.query('COMMIT');
    }
    return round((now() - t0) / 200, 2);
  };
  const syncOnMs = await time('on');
  const syncOffMs = await time('off');
  await c.query('RESET synchronous_commit');
  await c.query('DROP TABLE public.bench_commit_probe');
  return { syncOnMs, syncOffMs };
}

/** Size and rows of every table of the services' schemas (for the storage side of the capacity model). */
async function databaseFootprint(ctx: Context) {
  await ctx.db.query('ANALYZE');
  const r = await ctx.db.query<{ schema: string; table: string; bytes: string; rows: string }>(
    `SELECT n.nspname AS schema, c.relname AS table, pg_total_relation_size(c.oid) AS bytes, c.reltuples::bigint AS rows
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = ANY($1::text[]) ORDER BY 3 DESC`, [[...OUTBOX_SCHEMAS]]);
  return r.rows.map((x) => ({ table: `${x.schema}.${x.table}`, rows: Number(x.rows), bytes: Number(x.bytes), bytesPerRow: Number(x.rows) > 0 ? Math.round(Number(x.bytes) / Number(x.rows)) : null }));
}

// ------------------------------------------------------------------ report --

export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

export const fmt = (x: number | undefined, d = 0) => (x === undefined || !Number.isFinite(x) ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));

// ------------------------------------------------------------------ snapshot build --

/**
 * Copies apps/, libs/, tsconfig.json and the build/start scripts into the run's directory and
 * builds there with the project's own build script, so the benchmark runs one consistent build
 * and never rewrites the shared dist/ that other work may be running from. The snapshot has no
 * package.json, so code that looks for the repository root (dev keys) still finds this repository.
 */
export function snapshotBuild(runDir: string): string {
  const snap = path.join(runDir, 'snapshot');
  const skip = /(\.spec|\.int-spec|\.e2e-spec)\.ts$|[\\/]node_modules[\\/]/;
  for (const dir of ['apps', 'libs']) cpSync(path.join(repo.ROOT, dir), path.join(snap, dir), { recursive: true, filter: (src) => !skip.test(src) });
  cpSync(path.join(repo.ROOT, 'tsconfig.json'), path.join(snap, 'tsconfig.json'));
  mkdirSync(path.join(snap, 'scripts', 'lib'), { recursive: true });
  cpSync(path.join(repo.ROOT, 'scripts', 'build.mjs'), path.join(snap, 'scripts', 'build.mjs'));
  for (const f of ['repo.mjs', 'system.mjs']) cpSync(path.join(repo.ROOT, 'scripts', 'lib', f), path.join(snap, 'scripts', 'lib', f));
  const b = spawnSync(process.execPath, [path.join(snap, 'scripts', 'build.mjs')], { cwd: snap, stdio: ['ignore', 'inherit', 'inherit'] });
  if (b.status !== 0) throw new Error(`build of the snapshot in ${snap} failed`);
  return snap;
}

// ------------------------------------------------------------------ main --

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const t0 = Date.now();
  const loadAtStart = os.loadavg().map((x) => round(x, 2));
  log(`options: ${JSON.stringify(o)}`);

  await system.ensurePostgres(DATABASE_URL);
  await system.recreateDatabase(DATABASE_URL);
  const broker = await brokerLib.ensureBroker({ port: BROKER_PORT, log: (s) => log(s) });
  const brokerPid = broker.pid ?? (await brokerLib.brokerStatus({ port: BROKER_PORT })).pid;
  const prefix = `bench-${Date.now().toString(36)}`;
  const runDir = path.join(repo.ROOT, '.run', 'bench-e2e', prefix);
  const logDir = path.join(runDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  if (!o.out) o.out = path.join(runDir, 'e2e.json');
  let distRoot = repo.ROOT;
  if (o.build) {
    log(`building a snapshot of apps/ and libs/ in ${path.relative(repo.ROOT, runDir)}/snapshot`);
    const snap = snapshotBuild(runDir);
    distRoot = snap;
    system = loadSystem(snap);
  } else {
    log('--no-build: running the services from the repository\'s dist/ as it is');
  }
  const env: Record<string, string> = {
    DATABASE_URL,
    KAFKA_BROKERS: broker.brokers.join(','),
    TOPIC_PREFIX: prefix,
    KAFKA_PARTITIONS: String(o.partitions),
    AGENCIES: BENCH_AGENCIES.join(','),
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
    DB_POOL_SIZE: String(o.dbPool),
    RATE_LIMIT_PER_MINUTE: '1000000',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    ...(o.instances > 1 ? { MATCHING_REPLICA_FEED: '1' } : {}),
    // matching's sealed index snapshot: in this run's directory, removed with it
    MATCHING_SNAPSHOT_DIR: path.join(runDir, 'matching-snapshot'),
  };
  if (o.profile) {
    env.KINLINK_BENCH_PROFILE_DIR = path.join(runDir, 'profiles');
    env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require ${path.join(repo.ROOT, 'bench', 'e2e', 'cpu-profiler.cjs')}`.trim();
  }
  log(`topic prefix ${prefix}; logs in ${path.relative(repo.ROOT, logDir)}`);

  const kafka = new Kafka({ clientId: `bench-e2e-${process.pid}`, brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  // Agencies' events: an idempotent producer, one request in flight, so each record's events stay in order.
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const db = new Client({ connectionString: DATABASE_URL, application_name: 'bench-e2e' });
  await db.connect();
  const ctx = {
    o, prefix, topics: new TopicNames(prefix), env, logDir, runDir, distRoot, services: [] as ServiceChild[], brokerPid, kafka, admin, producer, db,
    token: await mintDevToken({ role: 'coordinator', agency: 'unhcr', agencies: [...BENCH_AGENCIES], sub: 'bench-coordinator' }),
    groupTopics: new Map(),
  } as unknown as Context;
  ctx.tracker = new Tracker(ctx);

  let stopping = false;
  const cleanup = async () => {
    if (stopping) return;
    stopping = true;
    await ctx.tracker.stop().catch(() => undefined);
    await system.stopServices(ctx.services).catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    try {
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
      if (mine.length) await admin.deleteTopics({ topics: mine });
    } catch { /* best effort */ }
    await admin.disconnect().catch(() => undefined);
    await db.end().catch(() => undefined);
    if (!broker.reused && !o.keepBroker) await brokerLib.stopBroker({ port: BROKER_PORT, log: (s) => log(s) }).catch(() => undefined);
    rmSync(path.join(runDir, 'snapshot'), { recursive: true, force: true });
    rmSync(path.join(runDir, 'matching-snapshot'), { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    log('interrupted; stopping what this benchmark started');
    void cleanup().finally(() => process.exit(130));
  });

  try {
    const bootT = now();
    ctx.services = await system.startServices({ env, portBase: PORT_BASE, logDir });
    for (let i = 2; i <= o.instances; i++) {
      const more = await system.startServices({ env, portBase: PORT_BASE + 10 * (i - 1), logDir: path.join(runDir, `logs-${i}`) });
      for (const c of more) c.name = `${c.name}#${i}`;
      ctx.services.push(...more);
    }
    const bootSeconds = (now() - bootT) / 1000;
    log(`six services ready in ${bootSeconds.toFixed(1)} s`);
    await ctx.tracker.start();

    // what the idle system costs: pollers, heartbeats, relays (the floor under every figure below)
    const idleMeter = new ResourceMeter(ctx);
    await idleMeter.begin();
    await sleep((o.quick ? 5 : 10) * 1000);
    const idle = await idleMeter.end();
    log(`idle: machine ${idle.machineBusyCores} cores busy, of which other processes ${idle.otherProcessesCores}; system ${JSON.stringify(Object.fromEntries(Object.entries(idle.processes as Record<string, { cores: number }>).map(([k, v]) => [k, v.cores])))}`);
    const stream = new EventStream(o.seed, prefix.slice(-5));
    // the broker's steady-state limit for this client, on enough messages to leave start-up costs behind
    const refStream = new EventStream(o.seed + 1, 'ref');
    const rawReference = await rawPassThrough(ctx, Array.from({ length: o.quick ? 5000 : 20000 }, () => refStream.next()), 0);
    const backlog = o.stored > 0 ? await loadBacklog(ctx, o.stored, stream) : undefined;

    const runs: Array<{ run: number; raw: Awaited<ReturnType<typeof rawPassThrough>>; fullSpeed: PassResult; rates: PassResult[]; ratio: number }> = [];
    for (let run = 1; run <= o.runs; run++) {
      log(`run ${run}/${o.runs}`);
      const batch = Array.from({ length: o.events }, () => stream.next());
      const raw = await rawPassThrough(ctx, batch, run);
      const fullSpeed = await runPass(ctx, `run ${run}: full speed`, batch, 0, { track: true });
      const rates: PassResult[] = [];
      for (const spec of o.rates) {
        const rate = spec.endsWith('x') ? Math.max(1, Math.round(Number(spec.slice(0, -1)) * fullSpeed.throughput)) : Number(spec);
        const n = Math.max(10, Math.min(o.rateMaxEvents, Math.round(rate * o.rateSeconds)));
        const events = Array.from({ length: n }, () => stream.next());
        const pass = await runPass(ctx, `run ${run}: ${rate}/s (${spec})`, events, rate, { track: true, expectedProposals: events.length * 0.4 });
        rates.push({ ...pass, rateSpec: spec });
      }
      runs.push({ run, raw, fullSpeed, rates, ratio: round(fullSpeed.throughput / raw.throughput, 4) });
    }

    let soak: PassResult | undefined;
    if (o.soakSeconds > 0) {
      const events = Array.from({ length: Math.round(o.soakRate * o.soakSeconds) }, () => stream.next());
      soak = await runPass(ctx, `soak ${o.soakSeconds}s @ ${o.soakRate}/s`, events, o.soakRate, { track: true, expectedProposals: events.length * 0.4 });
    }
    const restart = o.restart ? await timeMatchingRestart(ctx) : undefined;
    const commitProbe = await commitLatency(ctx);
    const integrity = await checkIntegrity(ctx);
    log(`integrity: ${JSON.stringify(integrity)}`);
    const agencyEventsProcessed = (backlog?.events ?? 0) + (soak?.events ?? 0) + runs.reduce((a, r) => a + r.fullSpeed.events + r.rates.reduce((b, p) => b + p.events, 0), 0);
    const footprint = { agencyEventsProcessed, tables: await databaseFootprint(ctx) };
    const profile = o.profile ? await profileServices(ctx, stream, o.events, o.profileRate) : undefined;
    let largeStore: Record<string, unknown> | undefined;
    if (o.restartStored > 0) {
      const restartLarge = await bulkLoadAndRestart(ctx, o.restartStored, o.seed);
      const capacity = median(runs.map((r) => r.fullSpeed.throughput));
      const spec = o.rates[0] ?? '0.5x';
      const rate = spec.endsWith('x') ? Math.max(1, Math.round(Number(spec.slice(0, -1)) * capacity)) : Number(spec);
      const n = Math.max(10, Math.min(o.rateMaxEvents, Math.round(rate * o.rateSeconds)));
      const events = Array.from({ length: n }, () => stream.next());
      const pass = await runPass(ctx, `${o.restartStored}/side in the index: ${rate}/s`, events, rate, { track: true, expectedProposals: n * 0.4 });
      largeStore = { restart: restartLarge, latencyPass: { ...pass, rateSpec: spec } };
    }

    // ---------------------------------------------------------------- summary
    const m = (f: (r: (typeof runs)[number]) => number) => round(median(runs.map(f)), 1);
    const medians = {
      rawThroughput: m((r) => r.raw.throughput),
      fullSpeedThroughput: m((r) => r.fullSpeed.throughput),
      fullSpeedThroughputProposalsVisible: m((r) => r.fullSpeed.throughputProposalsVisible),
      ratioToRaw: round(median(runs.map((r) => r.ratio)), 4),
      ratioToRawReference: round(median(runs.map((r) => r.fullSpeed.throughput)) / rawReference.throughput, 5),
      systemCpuMsPerEvent: m((r) => r.fullSpeed.cpuMsPerEvent['system total']),
      /**
       * what the same work would reach with the machine to itself: the cores left after the idle
       * system's floor, divided by the system CPU per agency event (an estimate: CPU time measured
       * under contention runs somewhat high, so this errs low)
       */
      projectedDedicatedThroughput: round(
        ((os.cpus().length - systemIdleCores(idle)) * 1000) / median(runs.map((r) => r.fullSpeed.cpuMsPerEvent['system total'])), 1),
      rates: o.rates.map((spec, i) => ({
        spec,
        offered: m((r) => r.rates[i].offeredRate as number),
        offeredSeconds: m((r) => r.rates[i].publishSeconds),
        throughput: m((r) => r.rates[i].throughput),
        drained: runs.every((r) => r.rates[i].drained),
        visibleP50: m((r) => r.rates[i].latencyMs!.visible.p50),
        visibleP95: m((r) => r.rates[i].latencyMs!.visible.p95),
        visibleP99: m((r) => r.rates[i].latencyMs!.visible.p99),
        onKafkaP95: m((r) => r.rates[i].latencyMs!.onKafka.p95),
        apiP50: m((r) => r.rates[i].latencyMs!.api.p50),
        apiP95: m((r) => r.rates[i].latencyMs!.api.p95),
        apiChecks: runs.reduce((a, r) => a + r.rates[i].latencyMs!.api.n, 0),
        maxLagTotal: m((r) => Math.max(0, ...r.rates[i].lagTimeline.map((x) => x.total))),
        newProposals: m((r) => r.rates[i].newProposals),
      })),
    };
    const lastRun = runs[runs.length - 1];
    const machine = {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      kafka: brokerLib.kafkaVersion(),
      postgres: (await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v,
      loadAvgAtStart: loadAtStart,
      loadAvgAtEnd: os.loadavg().map((x) => round(x, 2)),
    };
    const git = (args: string[]) => spawnSync('git', args, { cwd: repo.ROOT, encoding: 'utf8' }).stdout?.trim();
    const source = { commit: git(['rev-parse', 'HEAD']), uncommittedFiles: (git(['status', '--porcelain']) ?? '').split('\n').filter(Boolean).length };
    const result = {
      benchmark: 'e2e',
      command: `npm run bench:e2e -- ${process.argv.slice(2).join(' ')}`.trim(),
      date: startedAt.toISOString(),
      durationSeconds: round((Date.now() - t0) / 1000, 0),
      machine,
      source,
      options: o,
      rawReference,
      idle,
      setup: { topicPrefix: prefix, agencies: BENCH_AGENCIES, partitions: o.partitions, dbPoolPerService: o.dbPool, bootSeconds: round(bootSeconds, 1) },
      targets: {
        throughput: { target: 5000, measured: medians.fullSpeedThroughput, met: medians.fullSpeedThroughput >= 5000 },
        ratioToRaw: { target: 0.25, measured: medians.ratioToRaw, met: medians.ratioToRaw >= 0.25 },
        p95At1000: { target: 200, measured: medians.rates.find((r) => r.spec === '1000')?.visibleP95, met: (medians.rates.find((r) => r.spec === '1000')?.visibleP95 ?? Infinity) <= 200 && Boolean(medians.rates.find((r) => r.spec === '1000')?.drained), storedPerSide: o.stored },
        p99At1000: { target: 500, measured: medians.rates.find((r) => r.spec === '1000')?.visibleP99, met: (medians.rates.find((r) => r.spec === '1000')?.visibleP99 ?? Infinity) <= 500 && Boolean(medians.rates.find((r) => r.spec === '1000')?.drained), storedPerSide: o.stored },
        matchingReady: o.restartStored > 0
          ? {
            target: 60, measured: (largeStore?.restart as { fromSnapshot?: { readySeconds?: number } } | undefined)?.fromSnapshot?.readySeconds,
            measuredCold: (largeStore?.restart as { readySeconds?: number } | undefined)?.readySeconds, storedPerSide: o.restartStored,
            note: `measured: boot from the sealed snapshot; measuredCold: full load from the table${o.restartStored < 1_000_000 ? '; target is at 1M per side, measured at the stored size shown' : ''}`,
          }
          : { target: 60, measured: restart?.readySeconds, storedPerSide: o.stored, note: 'target is at 1M per side; measured at the stored size shown' },
      },
      medians,
      backlog,
      runs,
      soak,
      matchingRestart: restart,
      commitProbe,
      integrity,
      footprint,
      largeStore,
      profile,
      /** CPU and memory per process during the last run's full-speed pass */
      resourcesFullSpeed: lastRun.fullSpeed.resources,
      resourcesAt: Object.fromEntries(lastRun.rates.map((r) => [String(r.offeredRate), r.resources])),
    };
    mkdirSync(path.dirname(o.out), { recursive: true });
    writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);

    // ---------------------------------------------------------------- table
    const runCols = runs.map((r) => `run ${r.run}`);
    const rows: string[][] = [['metric', ...runCols, 'median']];
    const add = (label: string, f: (r: (typeof runs)[number]) => number, d = 0) => {
      const vals = runs.map(f);
      rows.push([label, ...vals.map((v) => fmt(v, d)), fmt(median(vals), d)]);
    };
    add('raw Kafka pass-through (msg/s)', (r) => r.raw.throughput);
    add('Kinlink full speed (events/s, all consumers)', (r) => r.fullSpeed.throughput, 1);
    add('  … until proposals visible (events/s)', (r) => r.fullSpeed.throughputProposalsVisible, 1);
    add('ratio Kinlink / raw', (r) => r.ratio, 4);
    add('system CPU per agency event (ms)', (r) => r.fullSpeed.cpuMsPerEvent['system total'], 1);
    add('DB transactions per agency event', (r) => r.fullSpeed.perEvent.dbTransactions, 1);
    add('Kafka messages per agency event', (r) => r.fullSpeed.perEvent.kafkaMessages, 1);
    add('rows PostgreSQL read per agency event', (r) => r.fullSpeed.perEvent.rowsRead);
    add('PostgreSQL backends CPU per agency event (ms)', (r) => r.fullSpeed.cpuMsPerEvent['postgres backends'], 1);
    rows.push(['projected, machine to itself (events/s)', ...runs.map(() => ''), fmt(medians.projectedDedicatedThroughput, 1)]);
    add('other processes on the machine (cores)', (r) => (r.fullSpeed.resources as { otherProcessesCores: number }).otherProcessesCores, 2);
    o.rates.forEach((spec, i) => {
      const rate = spec.endsWith('x') ? `${spec} capacity` : `${spec}/s`;
      add(`@${rate}: offered (events/s)`, (r) => r.rates[i].offeredRate as number);
      add(`@${rate}: events offered`, (r) => r.rates[i].events);
      add(`@${rate}: processed (events/s)`, (r) => r.rates[i].throughput, 1);
      add(`@${rate}: publish → visible p50 (ms)`, (r) => r.rates[i].latencyMs!.visible.p50);
      add(`@${rate}: publish → visible p95 (ms)`, (r) => r.rates[i].latencyMs!.visible.p95);
      add(`@${rate}: publish → visible p99 (ms)`, (r) => r.rates[i].latencyMs!.visible.p99);
      for (const hop of ['gateway', 'registry', 'matching', 'admin-api']) {
        add(`@${rate}:   hop ${hop} p50 (ms)`, (r) => r.rates[i].latencyMs!.hops?.[hop]?.p50 ?? NaN);
        add(`@${rate}:   hop ${hop} p95 (ms)`, (r) => r.rates[i].latencyMs!.hops?.[hop]?.p95 ?? NaN);
      }
      add(`@${rate}: API check p95 (ms)`, (r) => r.rates[i].latencyMs!.api.p95);
      add(`@${rate}: max total lag (messages)`, (r) => Math.max(0, ...r.rates[i].lagTimeline.map((x) => x.total)));
    });
    console.log(`\nKinlink end-to-end benchmark — ${machine.cpus} cores (${machine.cpuModel}), ${startedAt.toISOString()}, ${o.stored} stored records per side`);
    console.log(table(rows));
    console.log(`\nraw Kafka reference: ${rawReference.messages} messages of ~${rawReference.avgBytes} B in ${rawReference.seconds} s → ${rawReference.throughput} msg/s (Kinlink / reference = ${medians.ratioToRawReference})`);
    if (backlog) console.log(`backlog: ${backlog.events} events (${o.stored}/side) drained in ${backlog.seconds} s → ${backlog.throughput} events/s`);
    if (largeStore) {
      type R = { readySeconds: number; indexLoadLog?: string; rssAfterReadyMiB?: number; peakRssWhileLoadingMiB?: number };
      const lr = largeStore.restart as R & { bulkLoadSeconds: number; fromSnapshot?: R & { snapshotFileMiB?: number } };
      const lp = largeStore.latencyPass as PassResult;
      console.log(`large store: ${o.restartStored}/side bulk-loaded in ${lr.bulkLoadSeconds} s; matching ready after ${lr.readySeconds} s cold (${lr.indexLoadLog ?? ''}), RSS ${lr.rssAfterReadyMiB} MiB (peak ${lr.peakRssWhileLoadingMiB}); `
        + `at ${lp.offeredRate}/s: p50/p95/p99 ${lp.latencyMs?.visible.p50}/${lp.latencyMs?.visible.p95}/${lp.latencyMs?.visible.p99} ms`);
      const fs = lr.fromSnapshot;
      console.log(fs
        ? `large store: from the sealed snapshot (${fs.snapshotFileMiB} MiB) ready after ${fs.readySeconds} s (${fs.indexLoadLog ?? ''}), RSS ${fs.rssAfterReadyMiB} MiB (peak ${fs.peakRssWhileLoadingMiB})`
        : 'large store: no snapshot was written after the full load; restart from a snapshot not measured');
    }
    if (restart) console.log(`matching restart: ready after ${restart.readySeconds} s with ${JSON.stringify(restart.stored)} candidates (${restart.indexLoadLog ?? ''})`);
    const res = lastRun.fullSpeed.resources as { processes: Record<string, { cpuSeconds: number; cores: number; peakRssMiB?: number }>; machineBusyCores: number; otherProcessesCores: number };
    const resRows = [['process (last full-speed pass)', 'CPU s', 'cores', 'peak RSS MiB'], ...Object.entries(res.processes).map(([k, v]) => [k, fmt(v.cpuSeconds, 1), fmt(v.cores, 2), fmt(v.peakRssMiB)])];
    console.log(`\n${table(resRows)}\nmachine busy ${res.machineBusyCores} cores of ${machine.cpus}; other processes ${res.otherProcessesCores} cores`);
    console.log(`\nwrote ${path.relative(repo.ROOT, o.out)} in ${round((Date.now() - t0) / 1000, 0)} s`);
  } finally {
    await cleanup();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}

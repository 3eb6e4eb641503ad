/**
 * Scale-out of the CPU-bound stage alone (issue 8): `npm run bench:stage -- [options]`
 * (node -r @swc-node/register bench/e2e/stage.ts).
 *
 * Only the matching service runs (engine scoring, AES-GCM opening of sealed records), fed with
 * record events exactly as the registry publishes them (each record sealed under its own subject
 * key, the keys wrapped by the services' master key in the key vault). Per run, on a fresh topic
 * prefix (so a fresh consumer group) and a fresh database cloned from a migrated template:
 *   --mode burst (default): 1 or 2 matching instances start, the group settles (every instance owns
 *     partitions), then the whole stream is published at once (publishing is far faster than matching);
 *   --mode prefill: the `records` topic is filled first, then the instances start. (The replica feed
 *     of MATCHING_REPLICA_FEED=1 starts at the end offsets it sees at boot, so records already on the
 *     topic are not replicated to the other instance: this mode shows what that costs in pairs.)
 * Timed until every event is in matching's inbox and its outbox is empty; CPU of the matching
 * processes, the broker and the database backends; the set of proposed pairs is compared between
 * every run and the first one. Runs are interleaved 1, 2, 1, 2, … so both see the same shared machine.
 *
 * Options: --events N (6000)  --runs N (pairs of runs, 2)  --partitions N (4)  --instances a,b (1,2)
 *          --mode burst|prefill  --seed N  --db-pool N  --no-build  --drain-timeout S  --out FILE
 *          --stored N (N children and N sought children bulk-loaded into matching's candidate table of
 *          the template, as bench:e2e --restart-stored does: every instance loads them at boot, and
 *          each record of the stream is scored against them — the engine's share of the work grows)
 * Environment: BENCH_KAFKA_PORT (39592), BENCH_PORT_BASE (3900), BENCH_DATABASE_URL
 *          (postgres://postgres@127.0.0.1:5432/kinlink_bench_stage; `<name>_tpl` is the template).
 *
 * Writes bench/results/e2e-stage-scale.json (or --out) and prints a table.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { AssignerProtocol, Kafka, logLevel, Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { INTERNAL_TOPICS, KinlinkEvent, newEvent, topicConfigOf, TopicNames } from '@kinlink/contracts';
import { ensureTopics, eventHeaders } from '@kinlink/kafka';
import {
  InMemorySubjectKeyStore, KEY_VAULT_SCHEMA, loadMasterKey, LocalMasterKeyWrapper, PgSubjectKeyStore, sealRecord, SubjectCipher,
} from '@kinlink/privacy';
import { EventStream } from './generator';
import { cpuOf, findPids, machineCpu, readProc } from './procstat';
import { Progress } from './progress';
import { brokerLib, loadSystem, repo, ServiceChild } from './project-scripts';
import { numberArg, printUsage, unknownOption } from './cli';
import { bulkLoadCandidates, fmt, median, snapshotBuild, table } from './run';

/** the project's system helpers; replaced by the snapshot's copy once the snapshot is built */
let system = loadSystem();

const BROKER_PORT = Number(process.env.BENCH_KAFKA_PORT ?? 39592);
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 3900);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinlink_bench_stage';
const TEMPLATE_URL = (() => {
  const u = new URL(DATABASE_URL);
  u.pathname = `${u.pathname}_tpl`;
  return u.toString();
})();
const AGENCIES = ['unhcr', 'icrc'];
const MATCHING = repo.SERVICES.find((s) => s.name === 'matching')!;

interface Options {
  events: number; runs: number; partitions: number; instances: number[]; mode: 'burst' | 'prefill';
  seed: number; dbPool: number; build: boolean; drainTimeoutS: number; out: string;
  /** candidates per side already stored (in the template) before the stream: a larger index makes each record's scoring costlier */
  stored: number;
}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    events: 6000, runs: 2, partitions: 4, instances: [1, 2], mode: 'burst', seed: 20261207, dbPool: 6, build: true, drainTimeoutS: 600, stored: 0,
    out: path.join(repo.ROOT, 'bench', 'results', 'e2e-stage-scale.json'),
  };
  const num = numberArg;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--events': o.events = num(argv[++i], a); break;
      case '--runs': o.runs = Math.max(1, num(argv[++i], a)); break;
      case '--partitions': o.partitions = Math.max(1, num(argv[++i], a)); break;
      case '--instances': o.instances = argv[++i].split(',').map((x) => Math.max(1, num(x, a))); break;
      case '--mode': {
        const m = argv[++i];
        if (m !== 'burst' && m !== 'prefill') throw new Error('--mode is burst or prefill');
        o.mode = m;
        break;
      }
      case '--seed': o.seed = num(argv[++i], a); break;
      case '--stored': o.stored = num(argv[++i], a); break;
      case '--db-pool': o.dbPool = num(argv[++i], a); break;
      case '--no-build': o.build = false; break;
      case '--drain-timeout': o.drainTimeoutS = num(argv[++i], a); break;
      case '--out': o.out = path.resolve(argv[++i]); break;
      case '--help': case '-h': printUsage(__filename);
      default: unknownOption(a);
    }
  }
  return o;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (s: string) => process.stderr.write(`[bench:stage] ${s}\n`);
const round = (x: number, d = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : x);
const loadavg = () => os.loadavg().map((x) => round(x, 2));

// ------------------------------------------------------------------ the stream --

interface Sealed {
  events: KinlinkEvent[];
  vault: { subject: string[]; keyId: string[]; wrapped: string[]; masterKeyId: string };
  /** ground truth: the person each profile id (child id, `<request id>#c<n>`) describes */
  personOf: Map<string, number>;
  /** true child ↔ sought pairs in the stream */
  truePairs: number;
}

/**
 * Record events as the registry publishes them (scale-out.int-spec.ts does the same): generated
 * registrations and tracing requests with true pairs among them, each sealed under its record's
 * own data key, bound to the event id. Sealed once; every run gets the same events and key vault.
 */
async function sealedStream(n: number, seed: number): Promise<Sealed> {
  const stream = new EventStream(seed, 'stg');
  const keys = new InMemorySubjectKeyStore();
  const cipher = new SubjectCipher(keys);
  const wrapper = new LocalMasterKeyWrapper(loadMasterKey({ MASTER_KEY: process.env.MASTER_KEY, NODE_ENV: 'development' }));
  const events: KinlinkEvent[] = [];
  const personOf = new Map<string, number>();
  const sides = { child: new Set<number>(), sought: new Set<number>() };
  const progress = new Progress('sealing records', n);
  while (events.length < n) {
    const ev = stream.nextBacklog();
    const e = JSON.parse(ev.value) as { agencyId: string; agencyRecordId: string; data: unknown };
    const ref = { id: randomUUID(), agencyId: e.agencyId, agencyRecordId: e.agencyRecordId, revision: 1 };
    ev.people.forEach((person, i) => {
      const child = ev.type === 'child.registered';
      personOf.set(child ? ref.id : `${ref.id}#c${i + 1}`, person);
      sides[child ? 'child' : 'sought'].add(person);
    });
    const eventId = randomUUID();
    const actor = { id: `agency:${ref.agencyId}`, role: 'agency' as const, agencyId: ref.agencyId };
    events.push(ev.type === 'child.registered'
      ? newEvent('child.registered', { eventId, correlationId: ref.id, actor, subject: { type: 'child', id: ref.id }, payload: { ...ref, record: await sealRecord(cipher, 'child', ref.id, eventId, e.data as never) } })
      : newEvent('tracing-request.filed', { eventId, correlationId: ref.id, actor, subject: { type: 'tracing-request', id: ref.id }, payload: { ...ref, request: await sealRecord(cipher, 'tracing-request', ref.id, eventId, e.data as never) } }));
    progress.update(events.length);
  }
  progress.finish(events.length);
  const vault = { subject: [] as string[], keyId: [] as string[], wrapped: [] as string[], masterKeyId: wrapper.masterKeyId };
  for (const ev of events) {
    const key = (await keys.find(ev.subject.id))!;
    vault.subject.push(key.subjectId);
    vault.keyId.push(key.keyId);
    vault.wrapped.push(await wrapper.wrap(key.dek, key.subjectId));
  }
  return { events, vault, personOf, truePairs: [...sides.child].filter((x) => sides.sought.has(x)).length };
}

/** Child ↔ sought proposals against the ground truth (pair keys `child-sought:<child>|<sought>`). */
export function childSoughtQuality(pairs: string[], personOf: Map<string, number>, truePairs: number) {
  const proposed = pairs.filter((k) => k.startsWith('child-sought:'));
  const correct = proposed.filter((k) => {
    const [left, right] = k.slice('child-sought:'.length).split('|');
    const a = personOf.get(left);
    return a !== undefined && a === personOf.get(right);
  }).length;
  return { proposed: proposed.length, correct, truePairs, precision: round(correct / Math.max(1, proposed.length), 3), recall: round(correct / Math.max(1, truePairs), 3) };
}

// ------------------------------------------------------------------ one run --

interface RunResult {
  run: number;
  instances: number;
  mode: Options['mode'];
  events: number;
  drained: boolean;
  /** events handled (matching's inbox) and proposals persisted */
  handled: number;
  proposals: number;
  /** match.proposed messages on the matches topic, and distinct proposal ids among them */
  proposedMessages: number;
  distinctProposalIds: number;
  deadLetters: number;
  pairsSha256: string;
  /** child ↔ sought proposals scored against the generator's ground truth */
  childSought: ReturnType<typeof childSoughtQuality>;
  /** match.rescored messages, and the child ↔ sought proposals whose probability is at the threshold once re-scored */
  rescoredMessages?: number;
  childSoughtAtThreshold?: ReturnType<typeof childSoughtQuality>;
  sameAsFirstRun?: boolean;
  /** pairs the first run proposed that this one did not, and the other way round (at most 20 each) */
  pairsDiff?: { missing: number; extra: number; missingByKind: Record<string, number>; extraByKind: Record<string, number>; missingSample: string[]; extraSample: string[] };
  /** seconds: start of the instances → ready; first publish (burst) or start (prefill) → last handled */
  bootSeconds: number;
  drainSeconds: number;
  /** events/s from the first publish (burst) / the instances' start (prefill) to the last event handled */
  throughput: number;
  /** events/s from the first to the last event handled (boot and publishing left out) */
  throughputHandling: number;
  /** events/s between the 10th and the 90th percentile of handling times (rebalances and the tail left out) */
  throughputSteady: number;
  /** per instance: events handled (inbox rows by consumer instance are not kept, so CPU only) */
  cpu: { matchingSeconds: number; matchingCores: number; perInstanceCpuSeconds: number[]; brokerSeconds: number; dbBackendsSeconds: number; matchingCpuMsPerEvent: number; machineBusyCores: number; otherProcessesCores: number };
  loadAvg: number[];
}

interface Shared { o: Options; sealed: Sealed; kafka: Kafka; brokerPid: number | null; brokers: string[]; logRoot: string; basePrefix: string; distRoot: string }

async function cloneDatabase(): Promise<void> {
  const name = new URL(DATABASE_URL).pathname.slice(1);
  const tpl = new URL(TEMPLATE_URL).pathname.slice(1);
  const admin = new URL(DATABASE_URL);
  admin.pathname = '/postgres';
  const c = new Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}" TEMPLATE "${tpl}"`);
  } finally {
    await c.end();
  }
}

/** The template: matching's migrations and the key vault with every record's wrapped key. */
async function prepareTemplate(s: Shared): Promise<void> {
  await system.recreateDatabase(TEMPLATE_URL);
  const prefix = `${s.basePrefix}-tpl`;
  const started = await system.startServices({ env: serviceEnv(s, prefix, 1, TEMPLATE_URL), portBase: PORT_BASE, logDir: path.join(s.logRoot, 'template'), services: [MATCHING] });
  await system.stopServices(started);
  const db = new Client({ connectionString: TEMPLATE_URL });
  await db.connect();
  try {
    await new PgSubjectKeyStore({ query: async (sql, params) => (await db.query(sql, params)).rows }, new LocalMasterKeyWrapper(loadMasterKey({ MASTER_KEY: process.env.MASTER_KEY, NODE_ENV: 'development' }))).ensureSchema();
    const v = s.sealed.vault;
    await db.query(
      `INSERT INTO ${KEY_VAULT_SCHEMA}.subject_key (subject_id, key_id, wrapped_key, master_key_id)
       SELECT s, k, w, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(s, k, w)`,
      [v.subject, v.keyId, v.wrapped, v.masterKeyId],
    );
    if (s.o.stored > 0) log(`stored candidates: ${s.o.stored}/side bulk-loaded into the template in ${round(await bulkLoadCandidates(db, s.o.stored, s.o.seed), 1)} s`);
  } finally {
    await db.end();
  }
  await deleteTopicsOf(s, prefix);
}

function serviceEnv(s: Shared, prefix: string, instances: number, databaseUrl = DATABASE_URL): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: s.brokers.join(','),
    TOPIC_PREFIX: prefix,
    KAFKA_PARTITIONS: String(s.o.partitions),
    AGENCIES: AGENCIES.join(','),
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
    DB_POOL_SIZE: String(s.o.dbPool),
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    // as bench:e2e --instances: the replica feed only when matching is scaled out
    ...(instances > 1 ? { MATCHING_REPLICA_FEED: '1' } : {}),
  };
}

async function deleteTopicsOf(s: Shared, prefix: string): Promise<void> {
  const admin = s.kafka.admin();
  await admin.connect();
  try {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (mine.length) await admin.deleteTopics({ topics: mine });
  } catch { /* best effort */ } finally {
    await admin.disconnect();
  }
}

async function publishAll(s: Shared, topics: TopicNames): Promise<void> {
  const producer = s.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const topic = topics.internal(INTERNAL_TOPICS.records);
    for (let i = 0; i < s.sealed.events.length; i += 1000) {
      const chunk = s.sealed.events.slice(i, i + 1000);
      // as EventPublisher.publish: the type's topic, keyed by the subject id, the event's headers
      await producer.send({ topic, acks: -1, messages: chunk.map((e) => ({ key: e.subject.id, value: JSON.stringify(e), headers: eventHeaders(e) })) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Every member of the group has partitions (kafkajs assigns on join; a member without any is idle). */
async function waitGroupSettled(s: Shared, groupId: string, members: number, timeoutMs = 60_000): Promise<void> {
  const admin = s.kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const g = (await admin.describeGroups([groupId])).groups[0];
      const withPartitions = g.members.filter((m) => m.memberAssignment.length > 0 && (() => {
        try {
          const a = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
          return Object.values(a?.assignment ?? {}).some((ps) => ps.length > 0);
        } catch {
          return false;
        }
      })()).length;
      if (g.state === 'Stable' && g.members.length === members && withPartitions === members) return;
      if (Date.now() > deadline) throw new Error(`group ${groupId} not settled with ${members} members (state ${g.state}, ${g.members.length} members)`);
      await sleep(200);
    }
  } finally {
    await admin.disconnect();
  }
}

async function proposedOnTopic(s: Shared, topics: TopicNames): Promise<{ messages: number; distinct: number; rescored: number }> {
  const topic = topics.internal(INTERNAL_TOPICS.matches);
  const admin = s.kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  await admin.disconnect();
  const total = [...ends.values()].reduce((a, b) => a + b, 0);
  const ids: string[] = [];
  if (total === 0) return { messages: 0, distinct: 0, rescored: 0 };
  let seen = 0, rescored = 0;
  const consumer = s.kafka.consumer({ groupId: `${topics.internal(INTERNAL_TOPICS.matches)}.bench-read-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          seen++;
          if (m.headers?.['event-type']?.toString() === 'match.proposed') {
            ids.push((JSON.parse(m.value!.toString()) as { payload: { proposalId: string } }).payload.proposalId);
          }
          if (m.headers?.['event-type']?.toString() === 'match.rescored') rescored++;
        }
        if (seen >= total) resolve();
      },
    });
  });
  await Promise.race([done, sleep(60_000)]);
  await consumer.disconnect();
  return { messages: ids.length, distinct: new Set(ids).size, rescored };
}

async function oneRun(s: Shared, run: number, instances: number): Promise<{ result: RunResult; pairs: string[] }> {
  const o = s.o;
  const prefix = `${s.basePrefix}-r${run}`;
  const topics = new TopicNames(prefix);
  const logDir = path.join(s.logRoot, `run-${run}-x${instances}`);
  await cloneDatabase();
  // the internal topics with the run's partition count (the services would create them the same way)
  await ensureTopics(s.kafka, topics.allInternal(), o.partitions, (t) => topicConfigOf(topics, t));
  const db = new Client({ connectionString: DATABASE_URL, application_name: 'bench-stage' });
  await db.connect();
  const dbName = new URL(DATABASE_URL).pathname.slice(1);
  const progress = new Progress(`run ${run}: ${instances} instance${instances > 1 ? 's' : ''}`, o.events);
  let services: ServiceChild[] = [];
  try {
    if (o.mode === 'prefill') await publishAll(s, topics);
    const env = serviceEnv(s, prefix, instances);
    // prefill: the instances work from the moment they boot, so the CPU window opens before they start
    const early = o.mode === 'prefill' ? { broker: s.brokerPid ? cpuOf([s.brokerPid]) : 0, machine: machineCpu(), at: Date.now() } : undefined;
    const bootT = Date.now();
    services = (await Promise.all(Array.from({ length: instances }, (_, i) =>
      system.startServices({ env, portBase: PORT_BASE + 10 * i, logDir: path.join(logDir, `instance-${i + 1}`), services: [MATCHING] })))).flat();
    const bootSeconds = (Date.now() - bootT) / 1000;
    if (o.mode === 'burst') await waitGroupSettled(s, `${prefix}.matching`, instances);

    // CPU window: from just before the work is offered until it is all handled
    const pids = () => services.map((x) => x.child.pid!).filter(Boolean);
    const backends = new Map<number, { first: number; last: number }>();
    const sampleBackends = (initial: boolean) => {
      for (const pid of findPids(['postgres: ', ` ${dbName} `])) {
        const cpu = readProc(pid)?.cpuSeconds;
        if (cpu === undefined) continue;
        const seen = backends.get(pid);
        if (seen) seen.last = cpu;
        else backends.set(pid, { first: initial ? cpu : 0, last: cpu });
      }
    };
    sampleBackends(!early);
    const cpu0 = pids().map((p) => (early ? 0 : readProc(p)?.cpuSeconds ?? 0));
    const broker0 = early?.broker ?? (s.brokerPid ? cpuOf([s.brokerPid]) : 0);
    const machine0 = early?.machine ?? machineCpu();
    const startWall = o.mode === 'burst' ? Date.now() : bootT;
    const windowStart = early?.at ?? Date.now();
    const bench0 = process.cpuUsage();
    if (o.mode === 'burst') await publishAll(s, topics);

    const deadline = Date.now() + o.drainTimeoutS * 1000;
    let handled = 0;
    let drained = false;
    let ticks = 0;
    while (Date.now() < deadline) {
      const r = await db.query<{ n: number; outbox: number }>(`SELECT (SELECT count(*)::int FROM matching.processed_event) AS n, (SELECT count(*)::int FROM matching.outbox) AS outbox`);
      handled = r.rows[0].n;
      progress.update(handled, `outbox ${r.rows[0].outbox}`);
      if (handled >= o.events && r.rows[0].outbox === 0) {
        drained = true;
        break;
      }
      if (++ticks % 4 === 0) sampleBackends(false);
      await sleep(250);
    }
    sampleBackends(false);
    const wall = (Date.now() - windowStart) / 1000;
    const cpu1 = pids().map((p) => readProc(p)?.cpuSeconds ?? 0);
    const perInstance = cpu1.map((c, i) => round(c - cpu0[i], 2));
    const matchingSeconds = perInstance.reduce((a, b) => a + b, 0);
    const brokerSeconds = s.brokerPid ? cpuOf([s.brokerPid]) - broker0 : 0;
    const dbBackendsSeconds = [...backends.values()].reduce((a, b) => a + b.last - b.first, 0);
    const machine1 = machineCpu();
    const bench1 = process.cpuUsage(bench0);
    const busy = machine1.busy - machine0.busy;
    const ours = matchingSeconds + brokerSeconds + dbBackendsSeconds + (bench1.user + bench1.system) / 1e6;

    const times = (await db.query<{ t: number }>(`SELECT (extract(epoch from processed_at) * 1000)::float8 AS t FROM matching.processed_event ORDER BY processed_at`)).rows.map((x) => Number(x.t));
    const first = times[0];
    const last = times[times.length - 1];
    const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * (times.length - 1)))];
    const pairs = (await db.query<{ pair_key: string }>(`SELECT pair_key FROM matching.proposal ORDER BY pair_key`)).rows.map((x) => x.pair_key);
    const onTopic = await proposedOnTopic(s, topics);
    // the service's default threshold (serviceEnv does not set MATCH_PROPOSAL_THRESHOLD)
    const atThreshold = (await db.query<{ pair_key: string }>(`SELECT pair_key FROM matching.proposal WHERE probability >= 0.5 ORDER BY pair_key`)).rows.map((x) => x.pair_key);
    const dlt = topics.internal(INTERNAL_TOPICS.deadLetter);
    const admin = s.kafka.admin();
    await admin.connect();
    const deadLetters = (await admin.fetchTopicOffsets(dlt)).reduce((a, x) => a + Number(x.high), 0);
    await admin.disconnect();
    const result: RunResult = {
      run, instances, mode: o.mode, events: o.events, drained, handled,
      proposals: pairs.length,
      proposedMessages: onTopic.messages,
      distinctProposalIds: onTopic.distinct,
      deadLetters,
      pairsSha256: createHash('sha256').update(pairs.join('\n')).digest('hex').slice(0, 16),
      childSought: childSoughtQuality(pairs, s.sealed.personOf, s.sealed.truePairs),
      rescoredMessages: onTopic.rescored,
      childSoughtAtThreshold: childSoughtQuality(atThreshold, s.sealed.personOf, s.sealed.truePairs),
      bootSeconds: round(bootSeconds, 1),
      drainSeconds: round((last - startWall) / 1000, 2),
      throughput: round(o.events / Math.max(1e-3, (last - startWall) / 1000), 1),
      throughputHandling: round(o.events / Math.max(1e-3, (last - first) / 1000), 1),
      throughputSteady: round((0.8 * o.events) / Math.max(1e-3, (p(0.9) - p(0.1)) / 1000), 1),
      cpu: {
        matchingSeconds: round(matchingSeconds, 2),
        matchingCores: round(matchingSeconds / wall, 2),
        perInstanceCpuSeconds: perInstance,
        brokerSeconds: round(brokerSeconds, 2),
        dbBackendsSeconds: round(dbBackendsSeconds, 2),
        matchingCpuMsPerEvent: round((matchingSeconds * 1000) / o.events, 2),
        machineBusyCores: round(busy / wall, 2),
        otherProcessesCores: round(Math.max(0, busy - ours) / wall, 2),
      },
      loadAvg: loadavg(),
    };
    progress.finish(handled, `${drained ? 'done' : 'NOT DRAINED'}: ${result.throughput} ev/s (handling ${result.throughputHandling}, steady ${result.throughputSteady}), ${pairs.length} pairs, load ${result.loadAvg.join(' ')}`);
    return { result, pairs };
  } finally {
    await system.stopServices(services).catch(() => undefined);
    await db.end().catch(() => undefined);
    await deleteTopicsOf(s, prefix);
  }
}

// ------------------------------------------------------------------ main --

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const loadAtStart = loadavg();
  log(`options: ${JSON.stringify(o)}; load average ${loadAtStart.join(' ')}`);
  await system.ensurePostgres(DATABASE_URL);
  const broker = await brokerLib.ensureBroker({ port: BROKER_PORT, log });
  const brokerPid = broker.pid ?? (await brokerLib.brokerStatus({ port: BROKER_PORT })).pid;
  const basePrefix = `stage-${Date.now().toString(36)}`;
  const runDir = path.join(repo.ROOT, '.run', 'bench-stage', basePrefix);
  mkdirSync(runDir, { recursive: true });
  let distRoot = repo.ROOT;
  if (o.build) {
    log(`building a snapshot of apps/ and libs/ in ${path.relative(repo.ROOT, runDir)}/snapshot`);
    distRoot = snapshotBuild(runDir);
    system = loadSystem(distRoot);
  }
  const kafka = new Kafka({ clientId: `bench-stage-${process.pid}`, brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const s: Shared = { o, sealed: await sealedStream(o.events, o.seed), kafka, brokerPid, brokers: broker.brokers, logRoot: path.join(runDir, 'logs'), basePrefix, distRoot };
  const cleanup = async () => {
    if (!broker.reused) await brokerLib.stopBroker({ port: BROKER_PORT, log }).catch(() => undefined);
    rmSync(path.join(runDir, 'snapshot'), { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    await prepareTemplate(s);
    const runs: RunResult[] = [];
    let reference: string[] | undefined;
    let run = 0;
    // interleaved (1, 2, 1, 2, …): the shared machine's load drifts, so each pair sees about the same
    for (let k = 0; k < o.runs; k++) {
      for (const n of o.instances) {
        const { result, pairs } = await oneRun(s, ++run, n);
        reference ??= pairs;
        result.sameAsFirstRun = pairs.length === reference.length && pairs.every((x, i) => x === reference![i]);
        if (!result.sameAsFirstRun) {
          const [ref, mine] = [new Set(reference), new Set(pairs)];
          const missing = reference.filter((x) => !mine.has(x));
          const extra = pairs.filter((x) => !ref.has(x));
          const byKind = (xs: string[]) => xs.reduce<Record<string, number>>((a, x) => ({ ...a, [x.split(':')[0]]: (a[x.split(':')[0]] ?? 0) + 1 }), {});
          result.pairsDiff = { missing: missing.length, extra: extra.length, missingByKind: byKind(missing), extraByKind: byKind(extra), missingSample: missing.slice(0, 20), extraSample: extra.slice(0, 20) };
          log(`run ${run}: pairs differ from run 1: ${missing.length} missing ${JSON.stringify(result.pairsDiff.missingByKind)}, ${extra.length} extra ${JSON.stringify(result.pairsDiff.extraByKind)}`);
        }
        runs.push(result);
      }
    }

    const byN = (n: number) => runs.filter((r) => r.instances === n);
    const summary = o.instances.map((n) => ({
      instances: n,
      runs: byN(n).length,
      throughput: round(median(byN(n).map((r) => r.throughput)), 1),
      throughputHandling: round(median(byN(n).map((r) => r.throughputHandling)), 1),
      throughputSteady: round(median(byN(n).map((r) => r.throughputSteady)), 1),
      matchingCpuMsPerEvent: round(median(byN(n).map((r) => r.cpu.matchingCpuMsPerEvent)), 2),
      matchingCores: round(median(byN(n).map((r) => r.cpu.matchingCores)), 2),
    }));
    const [a, b] = [summary[0], summary[summary.length - 1]];
    const ratios = {
      of: `${b.instances}/${a.instances}`,
      throughput: round(b.throughput / a.throughput, 2),
      throughputHandling: round(b.throughputHandling / a.throughputHandling, 2),
      throughputSteady: round(b.throughputSteady / a.throughputSteady, 2),
      /** per interleaved pair (run k of each), then the median: less exposed to drifting load */
      pairedThroughput: round(median(Array.from({ length: o.runs }, (_, k) => runs[k * o.instances.length + o.instances.length - 1].throughput / runs[k * o.instances.length].throughput)), 2),
    };
    const identical = runs.every((r) => r.sameAsFirstRun && r.drained && r.handled === o.events && r.distinctProposalIds === r.proposals && r.proposedMessages === r.proposals && r.deadLetters === 0);
    const git = (args: string[]) => spawnSync('git', args, { cwd: repo.ROOT, encoding: 'utf8' }).stdout?.trim();
    const out = {
      benchmark: 'e2e-stage-scale',
      command: `npm run bench:stage -- ${process.argv.slice(2).join(' ')}`.trim(),
      date: startedAt.toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, kafka: brokerLib.kafkaVersion(), loadAvgAtStart: loadAtStart, loadAvgAtEnd: loadavg() },
      source: { commit: git(['rev-parse', 'HEAD']), uncommittedFiles: (git(['status', '--porcelain']) ?? '').split('\n').filter(Boolean).length },
      options: o,
      identical,
      summary,
      ratios,
      runs,
    };
    mkdirSync(path.dirname(o.out), { recursive: true });
    writeFileSync(o.out, `${JSON.stringify(out, null, 2)}\n`);

    const rows: string[][] = [['run', 'instances', 'events/s (offered → last handled)', 'events/s (first → last handled)', 'events/s (p10 → p90)', 'matching CPU ms/event', 'matching cores', 'other processes (cores)', 'pairs', 'vs run 1 (−missing/+extra)', 'child ↔ sought P / R', 'load avg (1 min)']];
    for (const r of runs) {
      rows.push([String(r.run), String(r.instances), fmt(r.throughput, 1), fmt(r.throughputHandling, 1), fmt(r.throughputSteady, 1), fmt(r.cpu.matchingCpuMsPerEvent, 2), fmt(r.cpu.matchingCores, 2), fmt(r.cpu.otherProcessesCores, 2), String(r.proposals), r.sameAsFirstRun ? 'same' : `−${r.pairsDiff!.missing}/+${r.pairsDiff!.extra}`, `${fmt(r.childSought.precision, 3)} / ${fmt(r.childSought.recall, 3)}`, fmt(r.loadAvg[0], 1)]);
    }
    for (const m of summary) rows.push([`median`, String(m.instances), fmt(m.throughput, 1), fmt(m.throughputHandling, 1), fmt(m.throughputSteady, 1), fmt(m.matchingCpuMsPerEvent, 2), fmt(m.matchingCores, 2), '', '', '', '', '']);
    rows.push([`ratio ${ratios.of}`, '', fmt(ratios.throughput, 2), fmt(ratios.throughputHandling, 2), fmt(ratios.throughputSteady, 2), '', '', '', '', '', '', '']);
    console.log(`\nmatching stage alone, ${o.events} record events, ${o.stored}/side stored, ${o.partitions} partitions, mode ${o.mode} — ${os.cpus().length} cores, ${startedAt.toISOString()}`);
    console.log(table(rows));
    console.log(`paired ratio (median over interleaved pairs): ${ratios.pairedThroughput}; identical outcomes in every run: ${identical ? 'yes' : 'NO'}; load average at start ${loadAtStart.join(' ')}, at end ${loadavg().join(' ')}`);
    console.log(`wrote ${path.relative(repo.ROOT, o.out)}`);
  } finally {
    await cleanup();
  }
}

if (require.main === module) {
  main().then(() => process.exit(0), (e) => {
    console.error(e);
    process.exit(1);
  });
}

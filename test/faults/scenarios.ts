/**
 * The eight faults of the suite. Each scenario offers a seeded load while its fault is injected;
 * every fault ends with a canary (a fresh matching pair) whose time to go through the whole
 * system is the recovery time.
 */
import { Pool } from 'pg';
import { sleep } from './driver';
import { FaultSystem, SERVICE_NAMES, ServiceName } from './infra';
import { LoadSize } from './load';

export type Scale = 'small' | 'full';

export interface FaultContext {
  sys: FaultSystem;
  db: Pool;
  scale: Scale;
  log: (line: string) => void;
  /** ms since the scenario's load started */
  elapsed: () => number;
  /** the fault is over (restart issued, broker back…): measure recovery from now */
  recovered: (label: string) => void;
  /** a figure to report with the scenario */
  note: (name: string, value: number) => void;
}

export interface ScenarioDef {
  id: number;
  name: string;
  fault: string;
  /**
   * restarts PostgreSQL: runs against a cluster of the run's own (`--postgres private`, the
   * default when this scenario is selected); against the machine's shared one only with --scale full
   */
  restartsPostgres?: boolean;
  size: (scale: Scale) => LoadSize;
  /** how long the load is offered */
  loadMs: (scale: Scale) => number;
  /** before the load starts (not timed as part of it) */
  setup?: (ctx: FaultContext) => Promise<void>;
  inject: (ctx: FaultContext) => Promise<void>;
}

const SCHEMA: Record<ServiceName, string> = {
  'agency-gateway': 'agency_gateway', registry: 'registry', matching: 'matching', cases: 'cases', audit: 'audit', 'admin-api': 'admin_api',
};

const base = (scale: Scale, families: number, singletons: number): LoadSize =>
  scale === 'small'
    ? { families, singletons, commandedShare: 0.3, poisonShare: 0 }
    : { families: families * 4, singletons: singletons * 4, commandedShare: 0.3, poisonShare: 0 };

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await sleep(100);
  }
  return false;
}

export const SCENARIOS: ScenarioDef[] = [
  {
    id: 1,
    name: 'kill -9 each service in turn',
    fault: 'kill -9 of every service in turn mid-stream (DB commit done, offset not yet committed), restarted at once',
    size: (s) => base(s, 14, 10),
    loadMs: (s) => (s === 'small' ? 18_000 : 100_000),
    inject: async (ctx) => {
      const rounds = ctx.scale === 'small' ? 1 : 3;
      const order: ServiceName[] = ['registry', 'agency-gateway', 'admin-api', 'matching', 'cases', 'audit'];
      const gap = ctx.scale === 'small' ? 2_000 : 5_000;
      let afterCommit = 0;
      await sleep(2_000);
      for (let r = 0; r < rounds; r++) {
        const restarts: Array<Promise<unknown>> = [];
        for (const svc of order) {
          const ms = await ctx.sys.kill9AfterCommit(svc, SCHEMA[svc], ctx.db);
          if (ms !== undefined) afterCommit++;
          ctx.log(`  t=${(ctx.elapsed() / 1000).toFixed(1)}s kill -9 ${svc}${ms === undefined ? '' : ` ${ms} ms after a handler commit`}`);
          ctx.recovered(`${svc} restarted`);
          // restarted at once, as a process manager would; the next kill does not wait for it
          restarts.push(ctx.sys.start(svc).catch((e) => ctx.log(`  !! restart of ${svc} failed: ${(e as Error).message}`)));
          await sleep(gap);
        }
        await Promise.all(restarts);
      }
      ctx.note('kills right after a handler commit', afterCommit);
    },
  },
  {
    id: 2,
    name: 'kill -9 a producer between commit and publish',
    fault: 'kill -9 of a service while its outbox holds committed, unpublished events (relay held by a failpoint)',
    size: (s) => base(s, 14, 10),
    loadMs: (s) => (s === 'small' ? 20_000 : 80_000),
    inject: async (ctx) => {
      const victims: ServiceName[] = ctx.scale === 'small' ? ['registry', 'audit'] : ['registry', 'matching', 'audit', 'admin-api', 'registry', 'audit'];
      const schema: Record<string, string> = { registry: 'registry', matching: 'matching', 'admin-api': 'admin_api', cases: 'cases', audit: 'audit' };
      let caught = 0;
      for (const svc of victims) {
        await ctx.sys.stop(svc);
        await ctx.sys.start(svc, 0, { KINLINK_FAILPOINTS: 'relay.before-publish=3000' });
        let pending = 0;
        await waitUntil(async () => {
          pending = Number((await ctx.db.query(`SELECT count(*) AS n FROM ${SCHEMA[svc]}.outbox`)).rows[0].n);
          return pending > 0;
        }, 15_000);
        ctx.log(`  t=${(ctx.elapsed() / 1000).toFixed(1)}s kill -9 ${svc} with ${pending} committed, unpublished outbox rows`);
        caught += pending;
        await ctx.sys.kill9(svc);
        ctx.recovered(`${svc} restarted`);
        await ctx.sys.start(svc);
        await sleep(1_000);
      }
      ctx.note('outbox rows committed, unpublished at the kills', caught);
    },
  },
  {
    id: 3,
    name: 'two outbox relays racing',
    fault: 'a second instance of registry and of cases: two relays per outbox under concurrent writers (sequence gaps)',
    size: (s) => base(s, 20, 16),
    loadMs: (s) => (s === 'small' ? 15_000 : 60_000),
    setup: async (ctx) => {
      await Promise.all([ctx.sys.start('registry', 1), ctx.sys.start('cases', 1)]);
      ctx.log('  second registry and cases instances running: two relays per outbox');
    },
    inject: async (ctx) => {
      await sleep(ctx.scale === 'small' ? 15_000 : 60_000);
      await Promise.all([ctx.sys.stop('registry#1'), ctx.sys.stop('cases#1')]);
      ctx.recovered('second instances stopped');
    },
  },
  {
    id: 4,
    name: 'broker stopped and restarted',
    fault: 'the Kafka broker stopped (SIGTERM) for 10 s (small) / 25 s (full), then started again',
    size: (s) => base(s, 12, 8),
    loadMs: (s) => (s === 'small' ? 20_000 : 60_000),
    inject: async (ctx) => {
      await sleep(4_000);
      ctx.log(`  t=${(ctx.elapsed() / 1000).toFixed(1)}s stopping the broker`);
      await ctx.sys.stopBroker();
      const down = ctx.scale === 'small' ? 10_000 : 25_000;
      await sleep(down);
      ctx.note('broker down (s)', down / 1000);
      await ctx.sys.startBroker();
      ctx.log(`  t=${(ctx.elapsed() / 1000).toFixed(1)}s broker back`);
      ctx.recovered('broker restarted');
    },
  },
  {
    id: 5,
    name: 'broker frozen (SIGSTOP) then resumed',
    fault: 'the broker frozen with SIGSTOP for 15 s (longer than the 10 s consumer session timeout), then SIGCONT',
    size: (s) => base(s, 12, 8),
    loadMs: (s) => (s === 'small' ? 20_000 : 60_000),
    inject: async (ctx) => {
      await sleep(4_000);
      ctx.log(`  t=${(ctx.elapsed() / 1000).toFixed(1)}s SIGSTOP broker`);
      ctx.sys.freezeBroker();
      await sleep(15_000);
      ctx.sys.thawBroker();
      ctx.log(`  t=${(ctx.elapsed() / 1000).toFixed(1)}s SIGCONT broker`);
      ctx.recovered('broker resumed');
    },
  },
  {
    id: 6,
    name: 'PostgreSQL restarted in immediate mode',
    fault: 'PostgreSQL restarted with `-m immediate` under load (crash recovery; every connection drops): the run\'s own cluster, or with --postgres shared the machine\'s (`pg_ctlcluster <ver> main restart -m immediate`)',
    restartsPostgres: true,
    size: (s) => base(s, 12, 8),
    loadMs: (s) => (s === 'small' ? 20_000 : 60_000),
    inject: async (ctx) => {
      const times = ctx.scale === 'small' ? 1 : 2;
      for (let i = 0; i < times; i++) {
        await sleep(6_000);
        ctx.log(`  t=${(ctx.elapsed() / 1000).toFixed(1)}s PostgreSQL restart -m immediate`);
        ctx.sys.restartPostgresImmediate();
        await ctx.sys.waitForPostgres();
        ctx.recovered('PostgreSQL back');
      }
    },
  },
  {
    id: 7,
    name: 'rebalance storm',
    fault: 'extra registry and cases instances joining and leaving (SIGTERM or kill -9) every few seconds',
    size: (s) => base(s, 16, 12),
    loadMs: (s) => (s === 'small' ? 25_000 : 90_000),
    inject: async (ctx) => {
      const cycles = ctx.scale === 'small' ? 4 : 12;
      let rebalances = 0;
      for (let i = 0; i < cycles; i++) {
        const svc: ServiceName = i % 2 === 0 ? 'registry' : 'cases';
        const k = 1 + (i % 3);
        await ctx.sys.start(svc, k);
        rebalances++;
        await sleep(1_500);
        const key = `${svc}#${k}`;
        if (i % 3 === 2) await ctx.sys.kill9(key);
        else await ctx.sys.stop(key);
        rebalances++;
        ctx.log(`  t=${(ctx.elapsed() / 1000).toFixed(1)}s ${key} joined and ${i % 3 === 2 ? 'was killed' : 'left'}`);
      }
      ctx.note('group membership changes', rebalances);
      ctx.recovered('storm over');
    },
  },
  {
    id: 8,
    name: '1% poison events',
    fault: '1% poison agency events mixed in: malformed JSON, unsupported schema version, wrong agency, schema-invalid',
    size: (s) => (s === 'small' ? { families: 40, singletons: 40, commandedShare: 0.15, poisonShare: 0.01, minPoison: 4 } : { families: 160, singletons: 160, commandedShare: 0.15, poisonShare: 0.01, minPoison: 8 }),
    loadMs: (s) => (s === 'small' ? 15_000 : 60_000),
    inject: async (ctx) => {
      await sleep(1_000);
      ctx.recovered('poison mixed in');
    },
  },
];

export const SERVICES_FOR_LOGS = SERVICE_NAMES;

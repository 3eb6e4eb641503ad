/**
 * Matching restart, cold vs from the sealed snapshot, interleaved in the same conditions, against a
 * candidate store that is already there (e.g. the one `bench:e2e --restart-stored N` leaves in
 * BENCH_DATABASE_URL):
 *
 *   node -r @swc-node/register bench/e2e/restart-ab.ts [--rounds 3]
 *
 * Builds dist/, starts a broker on BENCH_KAFKA_PORT, boots matching once to write a snapshot, then
 * alternates boots from the snapshot (MATCHING_SNAPSHOT=1) and cold boots (MATCHING_SNAPSHOT=0:
 * the full load from the table), starting with the snapshot. Prints ready time, index-load log
 * line, peak RSS and the 1-minute load average at each start (the machine is shared).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readProc } from './procstat';

/* eslint-disable @typescript-eslint/no-require-imports */
const brokerLib = require('../../scripts/lib/kafka-broker.mjs') as {
  ensureBroker(o: { port: number; log?: (s: string) => void }): Promise<{ brokers: string[]; reused: boolean }>;
  stopBroker(o: { port: number; log?: (s: string) => void }): Promise<unknown>;
};
const repo = require('../../scripts/lib/repo.mjs') as { ROOT: string };
/* eslint-enable @typescript-eslint/no-require-imports */

const BROKER_PORT = Number(process.env.BENCH_KAFKA_PORT ?? 39492);
const PORT = Number(process.env.BENCH_PORT_BASE ?? 3800) + 3;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinlink_bench';
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] || 3);
const log = (s: string) => console.log(`[restart-ab] ${s}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const b = spawnSync(process.execPath, [path.join(repo.ROOT, 'scripts', 'build.mjs')], { cwd: repo.ROOT, stdio: 'inherit' });
  if (b.status !== 0) throw new Error('build failed');
  const broker = await brokerLib.ensureBroker({ port: BROKER_PORT, log });
  const runDir = path.join(repo.ROOT, '.run', 'restart-ab', Date.now().toString(36));
  mkdirSync(runDir, { recursive: true });
  const logFile = path.join(runDir, 'matching.log');
  const env = {
    ...process.env, DATABASE_URL, KAFKA_BROKERS: broker.brokers.join(','), TOPIC_PREFIX: `ab-${Date.now().toString(36)}`,
    AGENCIES: 'unhcr,icrc,savethechildren', LOG_LEVEL: 'info', NODE_ENV: 'test', HTTP_PORT: String(PORT),
    MATCHING_SNAPSHOT_DIR: path.join(runDir, 'snapshot'), MATCHING_SNAPSHOT_INTERVAL_MS: '0',
  };

  /** boots matching, waits for readiness; `until` (a log pattern) waits further after ready */
  async function boot(snapshot: boolean, until?: RegExp) {
    const from = (() => { try { return statSync(logFile).size; } catch { return 0; } })();
    const load1 = os.loadavg()[0];
    const t0 = Date.now();
    const child = spawn(process.execPath, [path.join(repo.ROOT, 'dist', 'apps', 'matching', 'src', 'main.js')], {
      cwd: repo.ROOT, env: { ...env, MATCHING_SNAPSHOT: snapshot ? '1' : '0' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = createWriteStream(logFile, { flags: 'a' });
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    let peak = 0;
    let ready = 0;
    const tail = () => readFileSync(logFile).subarray(from).toString('utf8');
    for (;;) {
      if (child.exitCode !== null) throw new Error(`matching exited; see ${logFile}`);
      const p = readProc(child.pid!);
      if (p) peak = Math.max(peak, p.rssMiB);
      if (!ready) {
        try {
          if ((await fetch(`http://127.0.0.1:${PORT}/health/ready`, { signal: AbortSignal.timeout(2000) })).ok) ready = (Date.now() - t0) / 1000;
        } catch { /* not yet */ }
      }
      if (ready && (!until || until.test(tail()))) break;
      await sleep(250);
    }
    const indexLoad = /candidate index loaded[^"]*/.exec(tail())?.[0];
    const rss = readProc(child.pid!)?.rssMiB;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    return { snapshot, readySeconds: ready, indexLoad, peakRssMiB: Math.round(peak), rssAfterReadyMiB: rss && Math.round(rss), load1AtStart: Math.round(load1 * 100) / 100 };
  }

  try {
    log('first boot: full load, then the snapshot it writes');
    const first = await boot(true, /candidate index snapshot written \(after full load\)[^"]*/);
    log(JSON.stringify(first));
    log(/candidate index snapshot written \(after full load\)[^"]*/.exec(readFileSync(logFile, 'utf8'))?.[0] ?? 'no snapshot written');
    const results = [];
    for (let i = 0; i < rounds; i++) {
      const r = await boot(i % 2 === 0);
      log(JSON.stringify(r));
      results.push(r);
    }
    console.log(JSON.stringify({ first, results }, null, 1));
  } finally {
    rmSync(path.join(runDir, 'snapshot'), { recursive: true, force: true });
    if (!broker.reused) await brokerLib.stopBroker({ port: BROKER_PORT, log });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

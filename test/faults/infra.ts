/**
 * The processes of a fault run, all on 127.0.0.1 and all started by this run: a Kafka broker of
 * its own (port 39392, never the shared 39092), the six services (ports 3700+; extra instances
 * 3710+), a database of its own (`kinlink_faults`, on the machine's PostgreSQL or on a cluster of
 * the run's own on 3799). Faults: kill -9 and restart a service, stop and restart the broker,
 * freeze and thaw it (SIGSTOP/SIGCONT), restart PostgreSQL in immediate mode.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { transformFile } from '@swc/core';
import { Client } from 'pg';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SERVICE_NAMES = ['agency-gateway', 'registry', 'matching', 'cases', 'audit', 'admin-api'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

interface SystemLib {
  ensurePostgres(url: string): Promise<void>;
  recreateDatabase(url: string): Promise<void>;
  stopServices(children: RunningService[], graceMs?: number): Promise<void>;
}
interface BrokerLib {
  ensureBroker(o: { port: number; fresh?: boolean; log?: (s: string) => void }): Promise<{ brokers: string[]; pid: number | null; reused: boolean }>;
  stopBroker(o: { port: number; log?: (s: string) => void }): Promise<{ stopped: boolean; pid: number | null }>;
  brokerStatus(o: { port: number }): Promise<{ running: boolean; pid: number | null }>;
}
interface RepoLib {
  SERVICES: Array<{ name: string; port: number }>;
}
export interface RunningService {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
}

// plain ESM helpers shared with npm start and the e2e set-up
const esm = <T>(file: string): Promise<T> => import(path.join(ROOT, 'scripts', 'lib', file)) as Promise<T>;

export interface FaultSystemOptions {
  databaseUrl: string;
  brokerPort: number;
  portBase: number;
  prefix: string;
  logDir: string;
  partitions: number;
  log: (line: string) => void;
  /** where this run compiles the services (never the shared dist/, which other runs rebuild) */
  distDir: string;
}

export interface Instance extends RunningService {
  key: string;
  instance: number;
  /** set when this run killed or stopped it (anything else is an unexpected exit) */
  expectedExit?: boolean;
}

export class FaultSystem {
  readonly instances = new Map<string, Instance>();
  readonly unexpectedExits: Array<{ key: string; at: number; code: number | null; signal: string | null }> = [];
  brokerPid: number | null = null;
  private sys!: SystemLib;
  private broker!: BrokerLib;
  private repo!: RepoLib;
  private brokerStartedByUs = false;
  private frozen = false;

  constructor(readonly o: FaultSystemOptions) {}

  get brokers(): string[] {
    return [`127.0.0.1:${this.o.brokerPort}`];
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: this.o.databaseUrl,
      KAFKA_BROKERS: this.brokers.join(','),
      TOPIC_PREFIX: this.o.prefix,
      KAFKA_PARTITIONS: String(this.o.partitions),
      AGENCIES: 'unhcr,icrc,save-the-children',
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      RATE_LIMIT_PER_MINUTE: '1000000',
      COMMAND_WAIT_MS: '4000',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      KINLINK_FAILPOINTS: '',
      ...extra,
    };
  }

  async load(): Promise<void> {
    this.sys = await esm<SystemLib>('system.mjs');
    this.broker = await esm<BrokerLib>('kafka-broker.mjs');
    this.repo = await esm<RepoLib>('repo.mjs');
  }

  async prepare(): Promise<void> {
    await this.load();
    for (let port = this.o.portBase; port < this.o.portBase + 40; port++) {
      if (await portInUse(port)) throw new Error(`127.0.0.1:${port} is in use: another fault run (or its leftovers)? Stop it first`);
    }
    await this.sys.ensurePostgres(this.o.databaseUrl);
    await this.sys.recreateDatabase(this.o.databaseUrl);
    // the suite's own broker, from empty storage (earlier runs' topics would only slow it down)
    const b = await this.broker.ensureBroker({ port: this.o.brokerPort, fresh: true, log: (s) => this.o.log(s) });
    this.brokerPid = b.pid;
    this.brokerStartedByUs = !b.reused;
    if (!this.brokerPid) throw new Error(`no PID for the broker on ${this.o.brokerPort}: it was not started by scripts/lib/kafka-broker.mjs, so this run cannot stop or freeze it`);
  }

  /**
   * Compiles apps/ and libs/ like scripts/build.mjs (swc, same options), but into this run's own
   * directory: other runs on the machine rebuild dist/ (delete, then write) at any time, and a
   * service restarted mid-scenario must find its files.
   */
  async build(): Promise<void> {
    const tsconfig = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
    const paths = Object.fromEntries(Object.entries(tsconfig.compilerOptions.paths).map(([k, v]) => [k, v.map((p) => `./${p}/index.ts`)]));
    rmSync(this.o.distDir, { recursive: true, force: true });
    const walk = function* (dir: string): Generator<string> {
      for (const entry of readdirSync(dir)) {
        const full = path.join(dir, entry);
        if (statSync(full).isDirectory()) yield* walk(full);
        else yield full;
      }
    };
    for (const top of ['apps', 'libs']) {
      for (const file of walk(path.join(ROOT, top))) {
        const rel = path.relative(ROOT, file);
        const target = path.join(this.o.distDir, rel);
        mkdirSync(path.dirname(target), { recursive: true });
        if (!file.endsWith('.ts')) {
          copyFileSync(file, target);
          continue;
        }
        if (/\.(spec|int-spec|e2e-spec)\.ts$/.test(file) || file.endsWith('.d.ts')) continue;
        const out = await transformFile(file, {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            target: 'es2022', baseUrl: ROOT, paths, keepClassNames: true,
          },
          module: { type: 'commonjs' },
          sourceMaps: 'inline',
        });
        writeFileSync(target.replace(/\.ts$/, '.js'), out.code);
      }
    }
  }

  async startAll(): Promise<void> {
    await Promise.all(SERVICE_NAMES.map((n) => this.start(n)));
  }

  /** Starts one instance (0: the main one on portBase; n: an extra one on portBase + 10n) and waits until it is ready. */
  async start(name: ServiceName, instance = 0, env: Record<string, string> = {}): Promise<Instance> {
    const svc = this.repo.SERVICES.find((s) => s.name === name)!;
    const port = this.o.portBase + 10 * instance + (svc.port - 3100);
    const key = instance === 0 ? name : `${name}#${instance}`;
    // as scripts/lib/system.mjs startServices does, from this run's own build
    const child = spawn(process.execPath, ['--enable-source-maps', path.join(this.o.distDir, 'apps', name, 'src', 'main.js')], {
      cwd: ROOT, env: { ...process.env, ...this.env(env), HTTP_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = createWriteStream(path.join(this.o.logDir, `${name}.log`), { flags: 'a' });
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    const inst: Instance = { name, port, url: `http://127.0.0.1:${port}`, child, key, instance };
    inst.child.once('exit', (code, signal) => {
      if (!inst.expectedExit) {
        this.unexpectedExits.push({ key, at: Date.now(), code, signal });
        this.o.log(`!! ${key} exited unexpectedly (code ${code}, signal ${signal})`);
      }
    });
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${key} exited while starting (see ${path.relative(ROOT, this.o.logDir)}/${name}.log)`);
      try {
        const res = await fetch(`${inst.url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        inst.expectedExit = true;
        child.kill('SIGKILL');
        throw new Error(`${key} not ready within 90 s`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    this.instances.set(key, inst);
    return inst;
  }

  /** kill -9, and wait until the process is gone. */
  async kill9(key: string): Promise<void> {
    const inst = this.instances.get(key);
    if (!inst || inst.child.exitCode !== null || inst.child.signalCode !== null) return;
    inst.expectedExit = true;
    const gone = new Promise((r) => inst.child.once('exit', r));
    inst.child.kill('SIGKILL');
    await gone;
    this.instances.delete(key);
  }

  /**
   * kill -9 right after the service committed a handler's transaction (a new inbox row), before
   * its consumer commits the offset (every 500 ms at most): Kafka then delivers that event again.
   * Falls back to a plain kill -9 when nothing commits within `waitMs`. Returns ms from the
   * commit being seen to the kill, or undefined.
   */
  async kill9AfterCommit(key: string, schema: string, db: { query(sql: string): Promise<{ rows: Array<Record<string, unknown>> }> }, waitMs = 4_000): Promise<number | undefined> {
    const count = async () => Number((await db.query(`SELECT count(*) AS n FROM ${schema}.processed_event`)).rows[0].n);
    let seen: number | undefined;
    try {
      const before = await count();
      const deadline = Date.now() + waitMs;
      while (Date.now() < deadline) {
        if ((await count()) > before) {
          seen = Date.now();
          break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    } catch {
      // no inbox table: plain kill
    }
    await this.kill9(key);
    return seen === undefined ? undefined : Date.now() - seen;
  }

  /** SIGTERM (graceful shutdown), SIGKILL after 20 s. */
  async stop(key: string): Promise<void> {
    const inst = this.instances.get(key);
    if (!inst) return;
    inst.expectedExit = true;
    await this.sys.stopServices([inst], 20_000);
    this.instances.delete(key);
  }

  /** Restarts whatever exited without being asked to (a process manager would). */
  async reviveCrashed(): Promise<string[]> {
    const revived: string[] = [];
    for (const [key, inst] of [...this.instances]) {
      if (!inst.expectedExit && (inst.child.exitCode !== null || inst.child.signalCode !== null)) {
        this.instances.delete(key);
        await this.start(inst.name as ServiceName, inst.instance);
        revived.push(key);
      }
    }
    return revived;
  }

  removeBuild(): void {
    rmSync(this.o.distDir, { recursive: true, force: true });
  }

  async stopAll(): Promise<void> {
    if (this.frozen) this.thawBroker();
    await Promise.all([...this.instances.keys()].map((k) => this.stop(k)));
  }

  // ------------------------------------------------------------------ broker faults

  async stopBroker(): Promise<void> {
    if (!this.brokerPid) throw new Error('broker PID unknown');
    const r = await this.broker.stopBroker({ port: this.o.brokerPort, log: (s) => this.o.log(s) });
    if (!r.stopped) throw new Error(`broker on ${this.o.brokerPort} was not stopped`);
  }

  async startBroker(): Promise<void> {
    const b = await this.broker.ensureBroker({ port: this.o.brokerPort, log: (s) => this.o.log(s) });
    this.brokerPid = b.pid;
  }

  freezeBroker(): void {
    if (!this.brokerPid) throw new Error('broker PID unknown');
    process.kill(this.brokerPid, 'SIGSTOP');
    this.frozen = true;
  }

  thawBroker(): void {
    if (!this.brokerPid) throw new Error('broker PID unknown');
    process.kill(this.brokerPid, 'SIGCONT');
    this.frozen = false;
  }

  async shutdownBroker(): Promise<void> {
    if (this.frozen) this.thawBroker();
    if (this.brokerStartedByUs) await this.broker.stopBroker({ port: this.o.brokerPort, log: () => undefined });
  }

  // ------------------------------------------------------------------ PostgreSQL fault

  /** set when the run uses a PostgreSQL cluster of its own (scenario 6 then restarts that one) */
  privatePostgres?: PrivatePostgres;

  /**
   * Restarts PostgreSQL in immediate mode: the run's own cluster if it has one, else the machine's
   * (`pg_ctlcluster <ver> main restart -m immediate`: every connection of every user drops).
   */
  restartPostgresImmediate(): void {
    if (this.privatePostgres) {
      this.privatePostgres.restartImmediate();
      return;
    }
    const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql').filter((v) => /^\d+$/.test(v)) : [];
    if (versions.length !== 1) throw new Error(`expected one PostgreSQL cluster under /etc/postgresql, found ${versions.join(',') || 'none'}`);
    const r = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', versions[0], 'main', 'restart', '-m', 'immediate'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pg_ctlcluster restart failed: ${r.stderr || r.stdout}`);
  }

  async waitForPostgres(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const c = new Client({ connectionString: this.o.databaseUrl, connectionTimeoutMillis: 1_000 });
      try {
        await c.connect();
        await c.query('SELECT 1');
        return;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 200));
      } finally {
        await c.end().catch(() => undefined);
      }
    }
  }

  // ------------------------------------------------------------------ readiness and logs

  async ready(key: string): Promise<boolean> {
    const inst = this.instances.get(key);
    if (!inst) return false;
    try {
      const res = await fetch(`${inst.url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      return res.ok;
    } catch {
      return false;
    }
  }

  async allReady(): Promise<boolean> {
    const states = await Promise.all([...this.instances.keys()].map((k) => this.ready(k)));
    return states.every(Boolean);
  }

  /** Sizes of the service logs now (to read what a scenario wrote). */
  logMarks(): Map<string, number> {
    const marks = new Map<string, number>();
    if (!existsSync(this.o.logDir)) return marks;
    for (const f of readdirSync(this.o.logDir)) marks.set(f, statSync(path.join(this.o.logDir, f)).size);
    return marks;
  }

  /** What the services logged since `marks`, per log file. */
  logsSince(marks: Map<string, number>): Map<string, string> {
    const out = new Map<string, string>();
    if (!existsSync(this.o.logDir)) return out;
    for (const f of readdirSync(this.o.logDir)) {
      const text = readFileSync(path.join(this.o.logDir, f));
      out.set(f, text.subarray(marks.get(f) ?? 0).toString('utf8'));
    }
    return out;
  }
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(300, () => { socket.destroy(); resolve(false); });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A PostgreSQL cluster of this run's own (initdb into a temporary directory, 127.0.0.1:3799), so
 * that scenario 6 can restart "the database" in immediate mode without cutting anybody else off.
 * Runs the server binaries as the `postgres` user when this process is root (initdb refuses root).
 */
export class PrivatePostgres {
  readonly dir: string;
  private readonly bin: string;

  constructor(readonly port: number, runId: string, private readonly log: (s: string) => void) {
    this.dir = path.join(os.tmpdir(), `kinlink-faults-pg-${runId}`);
    const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
    this.bin = versions.length ? path.join('/usr/lib/postgresql', versions[0], 'bin') : '';
  }

  static available(): boolean {
    return existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(path.join('/usr/lib/postgresql', v, 'bin', 'initdb')));
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/kinlink_faults`;
  }

  private run(tool: string, args: string[]): void {
    const asRoot = process.getuid?.() === 0;
    const cmd = asRoot ? 'runuser' : path.join(this.bin, tool);
    const full = asRoot ? ['-u', 'postgres', '--', path.join(this.bin, tool), ...args] : args;
    const r = spawnSync(cmd, full, { encoding: 'utf8', cwd: '/tmp' });
    if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  }

  start(): void {
    mkdirSync(this.dir, { recursive: true });
    if (process.getuid?.() === 0) spawnSync('chown', ['postgres:postgres', this.dir]);
    this.run('initdb', ['-D', this.dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
    writeFileSync(path.join(this.dir, 'postgresql.auto.conf'), [
      `port = ${this.port}`, "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${this.dir}'`,
      'max_connections = 400', 'shared_buffers = 64MB', '',
    ].join('\n'));
    if (process.getuid?.() === 0) spawnSync('chown', ['postgres:postgres', path.join(this.dir, 'postgresql.auto.conf')]);
    this.run('pg_ctl', ['-D', this.dir, '-l', path.join(this.dir, 'server.log'), '-w', '-t', '60', 'start']);
    this.log(`private PostgreSQL on 127.0.0.1:${this.port} (${this.dir})`);
  }

  /** `pg_ctl restart -m immediate`: the server aborts without a checkpoint and recovers from its WAL. */
  restartImmediate(): void {
    this.run('pg_ctl', ['-D', this.dir, '-l', path.join(this.dir, 'server.log'), '-w', '-t', '60', '-m', 'immediate', 'restart']);
  }

  stop(): void {
    try {
      this.run('pg_ctl', ['-D', this.dir, '-w', '-t', '30', '-m', 'fast', 'stop']);
    } catch (e) {
      this.log(`stopping the private PostgreSQL: ${(e as Error).message}`);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// Starts and stops the whole system (Kafka, PostgreSQL database, the six services) for
// `npm start`, the demo and the end-to-end tests.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { httpOk, ROOT, SERVICES, waitFor } from './repo.mjs';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/kinlink';

/** Checks PostgreSQL answers (tries to start the local cluster once if it does not) and that the URL's database exists. */
export async function ensurePostgres(url) {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const ping = async () => {
    const c = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 2_000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } finally {
      await c.end().catch(() => {});
    }
  };
  try {
    await ping();
  } catch {
    console.log('[kinlink] PostgreSQL is not answering; trying to start the local cluster…');
    const { spawnSync } = await import('node:child_process');
    const versions = spawnSync('ls', ['/etc/postgresql'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
    for (const v of versions) spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', v, 'main', 'start'], { stdio: 'inherit' });
    await waitFor(ping, { timeoutMs: 30_000, what: 'PostgreSQL' });
  }
  await ensureDatabaseExists(url);
}

/** Creates the URL's database if it is missing (a fresh machine has none; tests open it directly). */
async function ensureDatabaseExists(url) {
  const name = new URL(url).pathname.slice(1);
  if (!name || name === 'postgres') return;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await c.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((e) => {
        if (e.code !== '42P04') throw e; // created meanwhile by another process
      });
    }
  } finally {
    await c.end().catch(() => {});
  }
}

/** Drops and recreates a database (tests start from nothing). */
export async function recreateDatabase(url) {
  const name = new URL(url).pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsupported database name ${name}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  } finally {
    await c.end();
  }
}

/**
 * Starts every service as its own Node process from dist/. `portBase` + offset gives each
 * service its HTTP port (admin API first). Resolves once every service reports ready.
 * `kafkaCredentials` (secure mode, docs/security.md): `{ [service]: { username, password } }`, given
 * to each service as its own KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD.
 */
export async function startServices({ env = {}, portBase = 3100, logDir, services = SERVICES, stdio = 'inherit', kafkaCredentials } = {}) {
  const children = [];
  if (logDir) mkdirSync(logDir, { recursive: true });
  for (const svc of services) {
    const port = portBase + (svc.port - 3100);
    const creds = kafkaCredentials?.[svc.name];
    if (kafkaCredentials && !creds) throw new Error(`no Kafka credentials for ${svc.name}`);
    const sasl = creds ? { KAFKA_SASL_USERNAME: creds.username, KAFKA_SASL_PASSWORD: creds.password } : {};
    const child = spawn(process.execPath, ['--enable-source-maps', path.join(ROOT, 'dist', 'apps', svc.name, 'src', 'main.js')], {
      cwd: ROOT,
      env: { ...process.env, ...env, ...sasl, HTTP_PORT: String(port) },
      stdio: logDir ? ['ignore', 'pipe', 'pipe'] : stdio,
    });
    if (logDir) {
      const out = createWriteStream(path.join(logDir, `${svc.name}.log`), { flags: 'a' });
      child.stdout.pipe(out);
      child.stderr.pipe(out);
    }
    children.push({ ...svc, port, child, url: `http://127.0.0.1:${port}` });
  }
  try {
    await Promise.all(children.map((c) => waitFor(async () => {
      if (c.child.exitCode !== null) throw new Error(`${c.name} exited with ${c.child.exitCode}${logDir ? ` (see ${logDir}/${c.name}.log)` : ''}`);
      return httpOk(`${c.url}/health/ready`);
    }, { timeoutMs: 90_000, what: `${c.name} ready` })));
  } catch (e) {
    await stopServices(children);
    throw e;
  }
  return children;
}

/** SIGTERM (graceful: stop consuming, flush outbox, disconnect), then SIGKILL after a grace period. */
export async function stopServices(children, graceMs = 15_000) {
  await Promise.all(children.map(async ({ child }) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }));
}

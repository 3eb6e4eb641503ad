// A real Apache Kafka broker (single node, KRaft) as a detached JVM process, for local runs and tests.
//
// The jars come from Maven (tools/kafka/pom.xml) into .kafka/libs; the broker's config, data, PID and log
// live under .kafka/ too (ignored by git). Everything listens on 127.0.0.1 only.
//
//   ensureBroker({ port, controllerPort, dataDir, fresh, log }) -> { brokers, pid, reused }
//   stopBroker({ port, log })                                   -> { stopped, pid, forced }
//   brokerStatus({ port })                                      -> { running, managed, pid, ... }
//
// Files per port: the default port 39092 uses .kafka/{server.properties,kafka.pid,kafka.log};
// any other port P uses .kafka/{server-P.properties,kafka-P.pid,kafka-P.log}. Data: .kafka/data-<port>.
//
// Secure mode (opt-in, never the default): ensureBroker({ port, secure: true, agencyPort }) runs the
// broker with SASL/SCRAM-SHA-512 on every client listener, TLS on the agency-facing listener and the
// KRaft StandardAuthorizer with default deny (see "secure mode" below and docs/security.md). Its
// extra files: .kafka/tls-<port>/ (local CA, broker keystore, client truststore and CA PEM),
// .kafka/credentials-<port>.json and .kafka/admin-<port>.properties (admin secrets, mode 0600).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const KAFKA_DIR = path.join(REPO_ROOT, '.kafka');
export const LIBS_DIR = path.join(KAFKA_DIR, 'libs');
export const POM_FILE = path.join(REPO_ROOT, 'tools', 'kafka', 'pom.xml');
export const LOG4J_FILE = path.join(REPO_ROOT, 'tools', 'kafka', 'log4j.properties');
export const DEFAULT_PORT = 39092;
const HOST = '127.0.0.1';
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies';
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;
const JVM_OPTS = [
  '-Xms256m', '-Xmx768m',
  '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function defaultPort() {
  const port = Number(process.env.KAFKA_PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port <= 0 || port >= 65535) throw new Error(`Invalid KAFKA_PORT: ${process.env.KAFKA_PORT}`);
  return port;
}

/** Paths of the files that belong to the broker on `port`. */
export function brokerPaths(port = defaultPort()) {
  const suffix = port === DEFAULT_PORT ? '' : `-${port}`;
  return {
    propsFile: path.join(KAFKA_DIR, `server${suffix}.properties`),
    pidFile: path.join(KAFKA_DIR, `kafka${suffix}.pid`),
    logFile: path.join(KAFKA_DIR, `kafka${suffix}.log`),
    lockFile: path.join(KAFKA_DIR, `kafka${suffix}.lock`),
    dataDir: path.join(KAFKA_DIR, `data-${port}`),
  };
}

/** The Kafka version pinned in tools/kafka/pom.xml. */
export function kafkaVersion() {
  const pom = fs.readFileSync(POM_FILE, 'utf8');
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!match) throw new Error(`No <kafka.version> in ${POM_FILE}`);
  return match[1].trim();
}

function javaBin() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function classpath() {
  return `${LIBS_DIR}${path.sep}*`;
}

function logTail(file, lines = 60) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}

// ---------------------------------------------------------------- processes

function readPid(pidFile) {
  try {
    const pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** True while `pid` is a live (non-zombie) process. */
function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  try {
    // "pid (comm) S ..." - a zombie has exited already; the comm may contain spaces or parentheses.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

function cmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return null;
  }
}

/** True if `pid` is a kafka.Kafka JVM started with `propsFile` (or if that can't be checked). */
function isOurBroker(pid, propsFile) {
  if (!isAlive(pid)) return false;
  const args = cmdline(pid);
  if (args === null) return true;
  return args.includes('kafka.Kafka') && args.includes(propsFile);
}

/** Finds a running broker started from `propsFile` when the PID file is gone (Linux /proc only). */
function findBrokerPid(propsFile) {
  let entries;
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const args = cmdline(pid);
    if (args && args.includes('kafka.Kafka') && args.includes(propsFile) && isAlive(pid)) return pid;
  }
  return null;
}

function managedPid(paths) {
  const pid = readPid(paths.pidFile);
  if (pid && isOurBroker(pid, paths.propsFile)) return pid;
  return findBrokerPid(paths.propsFile);
}

// ---------------------------------------------------------------- probes

function portOpen(port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Asks whatever listens on `port` for its cluster with a kafkajs admin (short timeouts, no retries).
 * Resolves to `{ clusterId, controller, brokers }` or `null`.
 */
export async function probeKafka({ port = defaultPort(), timeoutMs = 3000, sasl, ssl } = {}) {
  if (!(await portOpen(port))) return null;
  const kafka = new Kafka({
    clientId: 'kinlink-kafka-probe',
    brokers: [`${HOST}:${port}`],
    connectionTimeout: Math.min(timeoutMs, 1500),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
    ...(sasl ? { sasl } : {}),
    ...(ssl ? { ssl } : {}),
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 ? cluster : null;
  } catch {
    return null;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

// ---------------------------------------------------------------- jars

function jarsPresent(version) {
  return (
    fs.existsSync(path.join(LIBS_DIR, `kafka_2.13-${version}.jar`)) &&
    fs.existsSync(path.join(LIBS_DIR, `kafka-clients-${version}.jar`)) &&
    fs.readdirSync(LIBS_DIR).some((f) => f.startsWith('slf4j-reload4j-'))
  );
}

/** Copies the broker jars into .kafka/libs with Maven unless they are there already. */
export function ensureKafkaJars({ log = console.log } = {}) {
  const version = kafkaVersion();
  if (fs.existsSync(LIBS_DIR) && jarsPresent(version)) return { version, fetched: false };

  const tmpDir = `${LIBS_DIR}.tmp-${process.pid}`;
  fs.rmSync(tmpDir, { recursive: true, force: true });
  fs.mkdirSync(KAFKA_DIR, { recursive: true });
  log(`kafka: fetching Kafka ${version} jars with Maven into ${path.relative(REPO_ROOT, LIBS_DIR)}/ ...`);
  const started = Date.now();
  const result = spawnSync(
    'mvn',
    ['-B', '-q', '-f', POM_FILE, DEPENDENCY_PLUGIN, '-DincludeScope=runtime', `-DoutputDirectory=${tmpDir}`],
    { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.error || result.status !== 0) {
    fs.rmSync(tmpDir, { recursive: true, force: true });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    throw new Error(
      `Maven could not fetch the Kafka jars (exit ${result.status ?? result.error?.code}).\n${output.split('\n').slice(-40).join('\n')}`,
    );
  }
  // Swap in the complete set at once, so an interrupted download never looks complete.
  fs.rmSync(LIBS_DIR, { recursive: true, force: true });
  fs.renameSync(tmpDir, LIBS_DIR);
  if (!jarsPresent(version)) throw new Error(`Maven ran, but ${LIBS_DIR} lacks the Kafka ${version} jars`);
  log(`kafka: ${fs.readdirSync(LIBS_DIR).length} jars fetched in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { version, fetched: true };
}

// ---------------------------------------------------------------- config and storage

function serverProperties({ port, controllerPort, dataDir }) {
  return `# Written by scripts/lib/kafka-broker.mjs: single-node KRaft broker for local runs and tests.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${HOST}:${controllerPort}
listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}
advertised.listeners=PLAINTEXT://${HOST}:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${dataDir}

num.partitions=3
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=false
delete.topic.enable=true

offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1

group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000

num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
background.threads=4
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=16777216
`;
}

function isFormatted(dataDir) {
  return fs.existsSync(path.join(dataDir, 'meta.properties'));
}

function newClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function formatStorage({ propsFile, dataDir, log, extraArgs = [] }) {
  const clusterId = newClusterId();
  fs.mkdirSync(dataDir, { recursive: true });
  const result = spawnSync(
    javaBin(),
    ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', `-Dlog4j.configuration=file:${LOG4J_FILE}`,
      '-cp', classpath(), 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile, '--ignore-formatted', ...extraArgs],
    { cwd: KAFKA_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.error || result.status !== 0) {
    throw new Error(
      `Formatting ${dataDir} failed (exit ${result.status ?? result.error?.code}):\n${result.stdout ?? ''}${result.stderr ?? ''}`,
    );
  }
  log(`kafka: formatted ${path.relative(REPO_ROOT, dataDir) || dataDir} (cluster id ${clusterId})`);
  return clusterId;
}

// ---------------------------------------------------------------- lock

/** A per-port lock file, so that two callers don't start two brokers at once. */
async function withLock(lockFile, fn, timeoutMs = START_TIMEOUT_MS + 60_000) {
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const holder = readPid(lockFile);
      if (!holder || (holder !== process.pid && !isAlive(holder))) {
        fs.rmSync(lockFile, { force: true }); // stale
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lockFile} (held by PID ${holder})`);
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

// ---------------------------------------------------------------- public API

/**
 * Makes sure a Kafka broker answers on 127.0.0.1:`port`: reuses one that already does,
 * otherwise starts one (fetching jars, writing config and formatting storage as needed).
 * @returns {Promise<{ brokers: string[], pid: number | null, reused: boolean }>}
 */
export async function ensureBroker({
  port = defaultPort(),
  controllerPort = port + 1,
  dataDir,
  fresh = false,
  log = console.log,
  secure = false,
  agencyPort = port + 2,
} = {}) {
  if (secure) return ensureSecureBroker({ port, controllerPort, agencyPort, dataDir, fresh, log });
  const paths = brokerPaths(port);
  dataDir = path.resolve(REPO_ROOT, dataDir ?? paths.dataDir);
  const brokers = [`${HOST}:${port}`];

  if (fresh) {
    if (managedPid(paths)) {
      log(`kafka: --fresh: stopping the broker on ${HOST}:${port} first`);
      await stopBroker({ port, log });
    } else if (await portOpen(port)) {
      throw new Error(`fresh: ${HOST}:${port} is served by a process this script did not start; stop it first`);
    }
  } else {
    const cluster = await probeKafka({ port });
    if (cluster) {
      log(`kafka: reusing the broker on ${HOST}:${port} (cluster ${cluster.clusterId})`);
      return { brokers, pid: managedPid(paths), reused: true };
    }
  }

  return withLock(paths.lockFile, async () => {
    // Someone may have started it while we waited for the lock.
    if (!fresh) {
      const cluster = await probeKafka({ port });
      if (cluster) {
        log(`kafka: reusing the broker on ${HOST}:${port} (cluster ${cluster.clusterId})`);
        return { brokers, pid: managedPid(paths), reused: true };
      }
    }

    // A broker of ours that is still starting (or hung): wait for it instead of starting a second one.
    const existing = managedPid(paths);
    if (existing) {
      log(`kafka: broker PID ${existing} is running but not answering yet; waiting ...`);
      await waitUntilReady({ port, pid: existing, child: null, paths });
      return { brokers, pid: existing, reused: true };
    }

    for (const p of [port, controllerPort]) {
      if (await portOpen(p)) {
        throw new Error(`${HOST}:${p} is in use by something that is not a Kafka broker answering on ${HOST}:${port}`);
      }
    }

    ensureKafkaJars({ log });
    fs.mkdirSync(KAFKA_DIR, { recursive: true });
    fs.writeFileSync(paths.propsFile, serverProperties({ port, controllerPort, dataDir }));

    if (fresh) fs.rmSync(dataDir, { recursive: true, force: true });
    if (!isFormatted(dataDir)) formatStorage({ propsFile: paths.propsFile, dataDir, log });

    const started = Date.now();
    const child = spawnBroker(paths);
    log(`kafka: started Kafka ${kafkaVersion()} as PID ${child.pid} on ${HOST}:${port} (controller ${controllerPort}); log ${path.relative(REPO_ROOT, paths.logFile)}`);
    try {
      await waitUntilReady({ port, pid: child.pid, child, paths });
    } catch (err) {
      if (isAlive(child.pid)) {
        try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
      }
      fs.rmSync(paths.pidFile, { force: true });
      throw err;
    }
    log(`kafka: ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await warmUp({ port, log });
    return { brokers, pid: child.pid, reused: false };
  });
}

function spawnBroker(paths, log4jFile = LOG4J_FILE) {
  if (fs.existsSync(paths.logFile)) fs.renameSync(paths.logFile, `${paths.logFile}.1`);
  const out = fs.openSync(paths.logFile, 'a');
  try {
    const child = spawn(
      javaBin(),
      [...JVM_OPTS, `-Dlog4j.configuration=file:${log4jFile}`, '-cp', classpath(), 'kafka.Kafka', paths.propsFile],
      { cwd: KAFKA_DIR, detached: true, stdio: ['ignore', out, out], env: { ...process.env } },
    );
    child.exitInfo = null;
    child.once('error', (error) => { child.exitInfo = { error }; });
    child.once('exit', (code, signal) => { child.exitInfo = { code, signal }; });
    if (!child.pid) throw new Error(`Could not start ${javaBin()} (is a Java 17+ runtime on the PATH or in JAVA_HOME?)`);
    child.unref();
    fs.writeFileSync(paths.pidFile, `${child.pid}\n`);
    return child;
  } finally {
    fs.closeSync(out);
  }
}

async function waitUntilReady({ port, pid, child, paths, auth }) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (await probeKafka({ port, timeoutMs: 2000, ...auth })) return;
    const exited = child ? child.exitInfo : (isAlive(pid) ? null : { code: 'unknown' });
    if (exited) {
      const how = exited.error ? exited.error.message : `code ${exited.code}${exited.signal ? `, signal ${exited.signal}` : ''}`;
      const msg = `Kafka broker PID ${pid} exited during startup (${how}). Last lines of ${paths.logFile}:\n${logTail(paths.logFile)}`;
      console.error(msg);
      throw new Error(msg);
    }
    if (Date.now() > deadline) {
      const msg = `Kafka broker PID ${pid} did not answer on ${HOST}:${port} within ${START_TIMEOUT_MS / 1000} s `
        + `(stop it with: node scripts/kafka.mjs stop --port ${port}). Last lines of ${paths.logFile}:\n${logTail(paths.logFile)}`;
      console.error(msg);
      throw new Error(msg);
    }
    await sleep(500);
  }
}

/**
 * Creates the internal topics (__consumer_offsets, __transaction_state) now, so that the first consumer
 * group and the first transaction of a test don't wait for them ("coordinator not available/loading").
 */
async function warmUp({ port, log, auth }) {
  const started = Date.now();
  const kafka = new Kafka({
    clientId: 'kinlink-kafka-warmup',
    brokers: [`${HOST}:${port}`],
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 100, retries: 10 },
    ...auth,
  });
  const admin = kafka.admin();
  const producer = kafka.producer({
    transactionalId: `kinlink-kafka-warmup-${port}`,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  try {
    await admin.connect();
    await admin.describeGroups(['kinlink-kafka-warmup']); // FindCoordinator(GROUP)
    await producer.connect();
    const tx = await producer.transaction(); // FindCoordinator(TRANSACTION) + InitProducerId
    await tx.abort();
    log(`kafka: group and transaction coordinators ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (err) {
    log(`kafka: warning: warm-up of the group/transaction coordinators failed: ${err.message}`);
  } finally {
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Stops the broker this script started on `port`: SIGTERM, up to 20 s, then SIGKILL. No-op if none runs.
 * @returns {Promise<{ stopped: boolean, pid: number | null, forced: boolean }>}
 */
export async function stopBroker({ port = defaultPort(), log = console.log } = {}) {
  const paths = brokerPaths(port);
  const pid = managedPid(paths);
  if (!pid) {
    fs.rmSync(paths.pidFile, { force: true });
    if (await portOpen(port)) {
      log(`kafka: ${HOST}:${port} is in use by a process this script did not start; left alone`);
    } else {
      log(`kafka: no broker running on ${HOST}:${port}`);
    }
    return { stopped: false, pid: null, forced: false };
  }

  log(`kafka: stopping broker PID ${pid} (SIGTERM) ...`);
  const started = Date.now();
  try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
  let forced = false;
  while (isAlive(pid)) {
    if (Date.now() - started > STOP_TIMEOUT_MS) {
      log(`kafka: PID ${pid} still alive after ${STOP_TIMEOUT_MS / 1000} s; SIGKILL`);
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      forced = true;
      const killDeadline = Date.now() + 5000;
      while (isAlive(pid) && Date.now() < killDeadline) await sleep(100);
      break;
    }
    await sleep(200);
  }
  fs.rmSync(paths.pidFile, { force: true });
  log(`kafka: stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { stopped: true, pid, forced };
}

/**
 * Reports on the broker for `port`.
 * @returns {Promise<{ port: number, brokers: string[], running: boolean, managed: boolean, pid: number | null,
 *   clusterId: string | null, version: string, dataDir: string, logFile: string }>}
 */
export async function brokerStatus({ port = defaultPort() } = {}) {
  const paths = brokerPaths(port);
  const pid = managedPid(paths);
  const secure = secureBrokerInfo({ port });
  const cluster = await probeKafka({ port, ...(secure ? { sasl: secure.sasl } : {}) });
  let dataDir = paths.dataDir;
  try {
    const logDirs = /^log\.dirs=(.+)$/m.exec(fs.readFileSync(paths.propsFile, 'utf8'));
    if (logDirs) dataDir = logDirs[1].trim();
  } catch { /* not written yet */ }
  return {
    port,
    brokers: [`${HOST}:${port}`],
    running: Boolean(cluster),
    managed: Boolean(pid),
    pid,
    clusterId: cluster?.clusterId ?? null,
    version: kafkaVersion(),
    dataDir,
    logFile: paths.logFile,
    ...(secure ? { secure: true, agencyBrokers: secure.agencyBrokers, caFile: secure.caFile, credentialsFile: secure.credentialsFile } : {}),
  };
}

// ---------------------------------------------------------------- secure mode (opt-in)
//
// Listeners of a secure broker on `port` (all on 127.0.0.1):
//   INTERNAL   `port`         SASL_PLAINTEXT, SCRAM-SHA-512   services, scripts, the admin
//   AGENCY     `agencyPort`   SASL_SSL,       SCRAM-SHA-512   agencies (TLS with the local CA)
//   CONTROLLER `controllerPort` SASL_PLAINTEXT, PLAIN         KRaft controller (the broker itself, as admin)
// SCRAM credentials live in the cluster metadata; the admin's is added when the storage is formatted
// (`StorageTool format --add-scram`), every other principal's at run time (see docs/security.md).
// Authorisation: StandardAuthorizer, allow.everyone.if.no.acl.found=false, super.users=User:admin.

/** Default port of a secure broker for local runs (tests use 39592-39594; the plain broker is 39092). */
export const SECURE_DEFAULT_PORT = 39192;
export const ADMIN_USER = 'admin';
const SCRAM_MECHANISM = 'SCRAM-SHA-512';
const SECURE_MARKER = '# kinlink-secure-mode';
/** Broker closes SASL connections that do not re-authenticate within this time (KIP-368; kafkajs re-authenticates). */
const REAUTH_MS = 300_000;

/** Paths of the secure-mode files of the broker on `port`. */
export function securePaths(port = defaultPort()) {
  const tlsDir = path.join(KAFKA_DIR, `tls-${port}`);
  return {
    tlsDir,
    caFile: path.join(tlsDir, 'ca.pem'),
    caKeyFile: path.join(tlsDir, 'ca.key'),
    keystoreFile: path.join(tlsDir, 'broker.p12'),
    truststoreFile: path.join(tlsDir, 'truststore.p12'),
    credentialsFile: path.join(KAFKA_DIR, `credentials-${port}.json`),
    adminConfigFile: path.join(KAFKA_DIR, `admin-${port}.properties`),
  };
}

function writeSecret(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

const secret = () => randomBytes(24).toString('hex');

function readCredentials(port) {
  try {
    const creds = JSON.parse(fs.readFileSync(securePaths(port).credentialsFile, 'utf8'));
    return creds?.admin?.password ? creds : null;
  } catch {
    return null;
  }
}

function adminSasl(creds) {
  return { mechanism: 'scram-sha-512', username: creds.admin.username, password: creds.admin.password };
}

function listenerPort(props, name) {
  const m = new RegExp(`^listeners=.*\\b${name}://[^:,]+:(\\d+)`, 'm').exec(props);
  return m ? Number(m[1]) : null;
}

/**
 * What a client needs to reach the secure broker on `port` as the admin (null when no secure broker
 * was set up there): internal and agency bootstrap addresses, kafkajs `sasl` for the admin, the CA
 * PEM for TLS clients, and the files the Java admin tools use.
 */
export function secureBrokerInfo({ port = defaultPort() } = {}) {
  const paths = brokerPaths(port);
  const sp = securePaths(port);
  let props;
  try {
    props = fs.readFileSync(paths.propsFile, 'utf8');
  } catch {
    return null;
  }
  const creds = readCredentials(port);
  if (!props.includes(SECURE_MARKER) || !creds) return null;
  const agencyPort = listenerPort(props, 'AGENCY');
  return {
    port,
    brokers: [`${HOST}:${port}`],
    agencyBrokers: agencyPort ? [`${HOST}:${agencyPort}`] : [],
    controllerPort: listenerPort(props, 'CONTROLLER'),
    sasl: adminSasl(creds),
    caFile: sp.caFile,
    truststoreFile: sp.truststoreFile,
    credentialsFile: sp.credentialsFile,
    adminConfigFile: sp.adminConfigFile,
    libsDir: LIBS_DIR,
    javaBin: javaBin(),
    log4jFile: LOG4J_FILE,
  };
}

function run(cmd, args, { env = {}, what } = {}) {
  const result = spawnSync(cmd, args, { cwd: KAFKA_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  if (result.error || result.status !== 0) {
    throw new Error(`${what ?? cmd} failed (exit ${result.status ?? result.error?.code}): ${`${result.stdout ?? ''}${result.stderr ?? ''}`.trim()}`);
  }
}

/**
 * A local CA and a broker certificate for 127.0.0.1/localhost (EC P-256, 825 days), the broker's
 * PKCS12 keystore, and for clients the CA as PEM (Node) and as a PKCS12 truststore (Java). Made once.
 */
function ensureTls({ port, creds, log }) {
  const sp = securePaths(port);
  if ([sp.caFile, sp.keystoreFile, sp.truststoreFile].every((f) => fs.existsSync(f))) return false;
  const started = Date.now();
  fs.rmSync(sp.tlsDir, { recursive: true, force: true });
  fs.mkdirSync(sp.tlsDir, { recursive: true, mode: 0o700 });
  const f = (name) => path.join(sp.tlsDir, name);
  const ec = ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  run('openssl', [...ec, '-out', sp.caKeyFile], { what: 'openssl (CA key)' });
  run('openssl', ['req', '-x509', '-new', '-key', sp.caKeyFile, '-sha256', '-days', '825',
    '-subj', `/O=Kinlink local/CN=Kinlink local Kafka CA (port ${port})`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-out', sp.caFile], { what: 'openssl (CA certificate)' });
  run('openssl', [...ec, '-out', f('broker.key')], { what: 'openssl (broker key)' });
  run('openssl', ['req', '-new', '-key', f('broker.key'), '-subj', `/O=Kinlink local/CN=${HOST}`, '-out', f('broker.csr')],
    { what: 'openssl (broker CSR)' });
  fs.writeFileSync(f('broker.ext'), [
    `subjectAltName=IP:${HOST},DNS:localhost`, 'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyAgreement', 'extendedKeyUsage=serverAuth', '',
  ].join('\n'));
  run('openssl', ['x509', '-req', '-in', f('broker.csr'), '-CA', sp.caFile, '-CAkey', sp.caKeyFile,
    '-set_serial', `0x${randomBytes(12).toString('hex')}`, '-days', '825', '-sha256', '-extfile', f('broker.ext'), '-out', f('broker.pem')],
  { what: 'openssl (broker certificate)' });
  run('openssl', ['pkcs12', '-export', '-in', f('broker.pem'), '-inkey', f('broker.key'), '-certfile', sp.caFile,
    '-name', 'broker', '-out', sp.keystoreFile, '-passout', 'env:KINLINK_KEYSTORE_PASSWORD'],
  { env: { KINLINK_KEYSTORE_PASSWORD: creds.keystorePassword }, what: 'openssl (broker keystore)' });
  run(process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'keytool') : 'keytool',
    ['-importcert', '-noprompt', '-alias', 'kinlink-local-ca', '-file', sp.caFile, '-keystore', sp.truststoreFile,
      '-storetype', 'PKCS12', '-storepass:env', 'KINLINK_TRUSTSTORE_PASSWORD'],
    { env: { KINLINK_TRUSTSTORE_PASSWORD: creds.truststorePassword }, what: 'keytool (client truststore)' });
  for (const name of ['broker.key', 'broker.csr', 'broker.ext']) fs.rmSync(f(name), { force: true });
  for (const file of [sp.caKeyFile, sp.keystoreFile, sp.truststoreFile]) fs.chmodSync(file, 0o600);
  log(`kafka: made a local CA and a broker certificate in ${path.relative(REPO_ROOT, sp.tlsDir)}/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

function secureServerProperties({ port, controllerPort, agencyPort, dataDir, creds, sp }) {
  const admin = creds.admin;
  return `# Written by scripts/lib/kafka-broker.mjs: single-node KRaft broker for local runs and tests, SECURE mode.
${SECURE_MARKER} (contains secrets: mode 0600, never committed)
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${HOST}:${controllerPort}
listeners=INTERNAL://${HOST}:${port},AGENCY://${HOST}:${agencyPort},CONTROLLER://${HOST}:${controllerPort}
advertised.listeners=INTERNAL://${HOST}:${port},AGENCY://${HOST}:${agencyPort}
controller.listener.names=CONTROLLER
inter.broker.listener.name=INTERNAL
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,INTERNAL:SASL_PLAINTEXT,AGENCY:SASL_SSL
log.dirs=${dataDir}

# Authentication: SCRAM-SHA-512 on the client listeners (credentials are kept in the cluster metadata).
# The KRaft controller listener cannot use SCRAM; it takes PLAIN with one static entry, the admin.
sasl.enabled.mechanisms=${SCRAM_MECHANISM}
sasl.mechanism.inter.broker.protocol=${SCRAM_MECHANISM}
listener.name.internal.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${admin.username}" password="${admin.password}";
listener.name.agency.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${admin.username}" password="${admin.password}" user_${admin.username}="${admin.password}";
connections.max.reauth.ms=${REAUTH_MS}

# TLS on the agency-facing listener (server authentication; clients authenticate with SCRAM).
listener.name.agency.ssl.keystore.type=PKCS12
listener.name.agency.ssl.keystore.location=${sp.keystoreFile}
listener.name.agency.ssl.keystore.password=${creds.keystorePassword}
listener.name.agency.ssl.key.password=${creds.keystorePassword}
listener.name.agency.ssl.client.auth=none
listener.name.agency.ssl.enabled.protocols=TLSv1.3,TLSv1.2

# Authorisation: ACLs in the KRaft metadata, default deny, one super user.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:${admin.username}

num.partitions=3
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=false
delete.topic.enable=true

offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1

group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000

num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
background.threads=4
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=16777216
`;
}

function adminClientProperties({ port, creds }) {
  return `# Admin client settings for Java tools (kafka.admin.*, the SCRAM helper) against the secure broker on ${port}. Secret: mode 0600.
bootstrap.servers=${HOST}:${port}
security.protocol=SASL_PLAINTEXT
sasl.mechanism=${SCRAM_MECHANISM}
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${creds.admin.username}" password="${creds.admin.password}";
`;
}

/**
 * The broker's log settings plus the authorizer's audit log at INFO: every denied request is logged
 * ("Principal = User:… is Denied operation = … on resource = …"), for operators and the isolation test.
 */
function secureLog4jFile() {
  const file = path.join(KAFKA_DIR, 'log4j-secure.properties');
  const text = `${fs.readFileSync(LOG4J_FILE, 'utf8')}
# Secure mode (scripts/lib/kafka-broker.mjs): log denied requests (the authorizer's audit log).
log4j.logger.kafka.authorizer.logger=INFO
`;
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) fs.writeFileSync(file, text);
  return file;
}

function clusterIdOf(dataDir) {
  try {
    return /^cluster\.id=(.+)$/m.exec(fs.readFileSync(path.join(dataDir, 'meta.properties'), 'utf8'))?.[1].trim() ?? null;
  } catch {
    return null;
  }
}

async function ensureSecureBroker({ port, controllerPort, agencyPort, dataDir, fresh, log }) {
  const paths = brokerPaths(port);
  dataDir = path.resolve(REPO_ROOT, dataDir ?? paths.dataDir);
  const brokers = [`${HOST}:${port}`];
  const answers = async () => {
    const creds = readCredentials(port);
    return creds ? probeKafka({ port, sasl: adminSasl(creds) }) : null;
  };
  const result = (pid, reused) => ({ brokers, pid, reused, secure: true, ...secureBrokerInfo({ port }) });

  if (fresh) {
    if (managedPid(paths)) {
      log(`kafka: --fresh: stopping the broker on ${HOST}:${port} first`);
      await stopBroker({ port, log });
    } else if (await portOpen(port)) {
      throw new Error(`fresh: ${HOST}:${port} is served by a process this script did not start; stop it first`);
    }
  } else {
    const cluster = await answers();
    if (cluster && secureBrokerInfo({ port })) {
      log(`kafka: reusing the secure broker on ${HOST}:${port} (cluster ${cluster.clusterId})`);
      return result(managedPid(paths), true);
    }
  }

  return withLock(paths.lockFile, async () => {
    if (!fresh) {
      const cluster = await answers();
      if (cluster && secureBrokerInfo({ port })) {
        log(`kafka: reusing the secure broker on ${HOST}:${port} (cluster ${cluster.clusterId})`);
        return result(managedPid(paths), true);
      }
    }
    const existing = managedPid(paths);
    if (existing) {
      if (!secureBrokerInfo({ port })) {
        throw new Error(`the broker PID ${existing} on ${HOST}:${port} runs without secure mode; stop it first (node scripts/kafka.mjs stop --port ${port})`);
      }
      log(`kafka: broker PID ${existing} is running but not answering yet; waiting ...`);
      await waitUntilReady({ port, pid: existing, child: null, paths, auth: { sasl: adminSasl(readCredentials(port)) } });
      return result(existing, true);
    }
    if (await probeKafka({ port })) {
      throw new Error(`${HOST}:${port} is served by a broker without authentication (not started here); choose another port`);
    }
    for (const p of [port, controllerPort, agencyPort]) {
      if (await portOpen(p)) {
        throw new Error(`${HOST}:${p} is in use by something that is not a Kafka broker answering on ${HOST}:${port}`);
      }
    }

    ensureKafkaJars({ log });
    fs.mkdirSync(KAFKA_DIR, { recursive: true });
    const sp = securePaths(port);
    let creds = readCredentials(port);
    if (!creds) {
      creds = {
        note: 'Secrets of the local secure Kafka broker (scripts/lib/kafka-broker.mjs). Never commit.',
        port,
        admin: { username: ADMIN_USER, password: secret() },
        keystorePassword: secret(),
        truststorePassword: secret(),
        createdAt: new Date().toISOString(),
      };
      writeSecret(sp.credentialsFile, `${JSON.stringify(creds, null, 2)}\n`);
      fs.rmSync(sp.tlsDir, { recursive: true, force: true }); // made with other passwords
      log(`kafka: generated admin credentials in ${path.relative(REPO_ROOT, sp.credentialsFile)} (mode 0600)`);
    }
    ensureTls({ port, creds, log });
    writeSecret(sp.adminConfigFile, adminClientProperties({ port, creds }));
    writeSecret(paths.propsFile, secureServerProperties({ port, controllerPort, agencyPort, dataDir, creds, sp }));

    // Storage formatted for these credentials (the admin's SCRAM credential is written at format time);
    // anything else (a plain broker's data, data of lost credentials) is wiped.
    if (fresh || (isFormatted(dataDir) && clusterIdOf(dataDir) !== creds.clusterId)) {
      if (!fresh) log(`kafka: ${path.relative(REPO_ROOT, dataDir)} was not formatted for these admin credentials; wiping it`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    if (!isFormatted(dataDir)) {
      const clusterId = formatStorage({
        propsFile: paths.propsFile, dataDir, log,
        extraArgs: ['--add-scram', `${SCRAM_MECHANISM}=[name=${creds.admin.username},password=${creds.admin.password}]`],
      });
      creds = { ...creds, clusterId };
      writeSecret(sp.credentialsFile, `${JSON.stringify(creds, null, 2)}\n`);
    }

    const auth = { sasl: adminSasl(creds) };
    const started = Date.now();
    const child = spawnBroker(paths, secureLog4jFile());
    log(`kafka: started Kafka ${kafkaVersion()} (secure) as PID ${child.pid}: services ${HOST}:${port} (SASL_PLAINTEXT), agencies ${HOST}:${agencyPort} (SASL_SSL), controller ${controllerPort}; log ${path.relative(REPO_ROOT, paths.logFile)}`);
    try {
      await waitUntilReady({ port, pid: child.pid, child, paths, auth });
    } catch (err) {
      if (isAlive(child.pid)) {
        try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
      }
      fs.rmSync(paths.pidFile, { force: true });
      throw err;
    }
    log(`kafka: ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await warmUp({ port, log, auth });
    return result(child.pid, false);
  });
}

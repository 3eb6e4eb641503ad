import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * What the SCRAM helper needs to reach the secure broker as the admin: the Kafka jars, a Java
 * runtime and the admin client properties written by scripts/lib/kafka-broker.mjs (secure mode);
 * `secureBrokerInfo({ port })` there returns exactly this.
 */
export interface JavaAdminTools {
  libsDir: string;
  adminConfigFile: string;
  javaBin?: string;
}

export interface ScramChange {
  upsert?: Array<{ username: string; password: string }>;
  remove?: string[];
}

export interface ScramResult {
  upserted: string[];
  deleted: string[];
  /** deletions of users that had no credential */
  absent: string[];
}

const SOURCE = path.join(__dirname, 'ScramUsers.java');
const USERNAME = /^[a-zA-Z0-9._-]{1,64}$/;
const PASSWORD = /^[\x21-\x7e]{8,256}$/;

/** Compiles ScramUsers.java once per source version into `<kafka dir>/tools/scram-<hash>/`. */
function compiled(tools: JavaAdminTools): string {
  const source = fs.readFileSync(SOURCE);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const dir = path.join(path.dirname(tools.libsDir), 'tools', `scram-${hash}`);
  if (fs.existsSync(path.join(dir, 'ScramUsers.class'))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const javac = tools.javaBin && path.isAbsolute(tools.javaBin) ? path.join(path.dirname(tools.javaBin), 'javac') : 'javac';
  const r = spawnSync(javac, ['-nowarn', '-cp', `${tools.libsDir}${path.sep}*`, '-d', tmp, SOURCE], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(`javac ScramUsers.java failed (${r.status ?? r.error?.message}): ${r.stdout}${r.stderr}`);
  }
  // AdminClient logs through reload4j: warnings only, on stderr (stdout carries the answers)
  fs.writeFileSync(path.join(tmp, 'log4j.properties'), [
    'log4j.rootLogger=WARN, stderr', 'log4j.appender.stderr=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stderr.Target=System.err', 'log4j.appender.stderr.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n', '',
  ].join('\n'));
  try {
    fs.renameSync(tmp, dir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // compiled concurrently by another process
  }
  return dir;
}

/** Runs the helper (asynchronously: the caller's event loop keeps going) with commands on stdin. */
async function runHelper(tools: JavaAdminTools, commands: string[]): Promise<string[]> {
  const dir = compiled(tools);
  const child = spawn(tools.javaBin ?? 'java', [
    '-Xmx128m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', `-Dlog4j.configuration=file:${path.join(dir, 'log4j.properties')}`,
    '-cp', `${dir}${path.delimiter}${tools.libsDir}${path.sep}*`, 'ScramUsers', tools.adminConfigFile,
  ], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const status = await new Promise<number | string>((resolve) => {
    child.once('error', (e) => resolve(e.message));
    child.once('close', (code, signal) => resolve(code ?? String(signal)));
    child.stdin.end(`${commands.join('\n')}\n`);
  }).finally(() => clearTimeout(timer));
  const lines = stdout.split('\n').filter(Boolean);
  const failures = lines.filter((l) => l.startsWith('failed '));
  if (status !== 0 || failures.length) {
    throw new Error(`SCRAM helper failed (${status}): ${failures.join('; ') || stderr.split('\n').slice(-5).join(' ')}`);
  }
  return lines;
}

/**
 * Creates or replaces (upsert) and deletes SCRAM-SHA-512 credentials in one AdminClient call.
 * Idempotent: upserting the same password again changes nothing for clients; deleting a user
 * without a credential reports it as absent.
 */
export async function alterScramUsers(tools: JavaAdminTools, change: ScramChange): Promise<ScramResult> {
  const commands: string[] = [];
  for (const { username, password } of change.upsert ?? []) {
    if (!USERNAME.test(username)) throw new Error(`invalid SCRAM user name "${username}"`);
    if (!PASSWORD.test(password)) throw new Error(`invalid password for ${username} (8-256 printable ASCII characters, no spaces)`);
    commands.push(`upsert ${username} ${password}`);
  }
  for (const username of change.remove ?? []) {
    if (!USERNAME.test(username)) throw new Error(`invalid SCRAM user name "${username}"`);
    commands.push(`delete ${username}`);
  }
  const result: ScramResult = { upserted: [], deleted: [], absent: [] };
  if (commands.length === 0) return result;
  for (const line of await runHelper(tools, commands)) {
    const [word, user] = line.split(' ');
    if (word === 'upserted') result.upserted.push(user!);
    else if (word === 'deleted') result.deleted.push(user!);
    else if (word === 'absent') result.absent.push(user!);
  }
  return result;
}

/** Users that have a SCRAM credential. */
export async function listScramUsers(tools: JavaAdminTools): Promise<string[]> {
  return (await runHelper(tools, ['list'])).filter((l) => l.startsWith('user ')).map((l) => l.slice(5)).sort();
}

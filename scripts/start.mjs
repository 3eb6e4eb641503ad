// `npm start`: installs what is missing, brings up Kafka and the database, builds, runs the six
// services (each runs its own migrations at boot) and prints where the admin API is. Ctrl-C stops
// everything it started (a Kafka broker that was already running is left alone).
// KAFKA_SECURE=1 runs the broker with SASL/SCRAM, ACLs and a TLS listener for agencies, and each
// service with its own principal (docs/security.md).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureInstalled, run, ROOT } from './lib/repo.mjs';

ensureInstalled();
const { ensureBroker, stopBroker } = await import('./lib/kafka-broker.mjs');
const { DEFAULT_DATABASE_URL, ensurePostgres, startServices, stopServices } = await import('./lib/system.mjs');

const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
await ensurePostgres(databaseUrl);
const secure = process.env.KAFKA_SECURE === '1';
const brokerPort = secure ? Number(process.env.KAFKA_SECURE_PORT ?? 39192) : undefined;
const broker = await ensureBroker(secure ? { port: brokerPort, secure: true } : {});
run(process.execPath, ['scripts/build.mjs']);
const env = { DATABASE_URL: databaseUrl, KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? broker.brokers.join(',') };
let kafkaCredentials;
if (secure) {
  // principals, topics and ACLs for every service and configured agency, idempotently
  run(process.execPath, ['-r', '@swc-node/register', 'scripts/agency.ts', 'provision', '--port', String(brokerPort)], { env: { ...process.env, DATABASE_URL: databaseUrl } });
  kafkaCredentials = JSON.parse(readFileSync(path.join(ROOT, '.run', `kafka-services-${brokerPort}.json`), 'utf8')).services;
}
console.log(`[kinlink] starting services${secure ? ' (secure Kafka: SASL/SCRAM, ACLs, TLS for agencies)' : ''}…`);
const children = await startServices({ env, kafkaCredentials });
const api = children.find((c) => c.name === 'admin-api');
console.log(`
[kinlink] all services ready.
  Admin API      ${api.url}
  API docs       ${api.url}/docs
  Dev token      npm run token -- --role coordinator --agency unhcr
  Demo scenario  npm run demo        (in another terminal)
  Logs           this terminal (JSON lines)
Ctrl-C stops everything.`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  console.log('\n[kinlink] stopping services…');
  await stopServices(children);
  if (!broker.reused) await stopBroker(brokerPort ? { port: brokerPort } : {});
  console.log('[kinlink] stopped.');
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
for (const c of children) c.child.on('exit', (code) => { if (!stopping) console.error(`[kinlink] ${c.name} exited (${code})`); });

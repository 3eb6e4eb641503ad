// `npm start`: installs what is missing, brings up Kafka and the database, builds, runs the six
// services (each runs its own migrations at boot) and prints where the admin API is. Ctrl-C stops
// everything it started (a Kafka broker that was already running is left alone).
import { ensureInstalled, run, ROOT } from './lib/repo.mjs';

ensureInstalled();
const { ensureBroker, stopBroker } = await import('./lib/kafka-broker.mjs');
const { DEFAULT_DATABASE_URL, ensurePostgres, startServices, stopServices } = await import('./lib/system.mjs');

const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
await ensurePostgres(databaseUrl);
const broker = await ensureBroker({});
run(process.execPath, ['scripts/build.mjs']);
const env = { DATABASE_URL: databaseUrl, KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? broker.brokers.join(',') };
console.log('[kinlink] starting services…');
const children = await startServices({ env });
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
  if (!broker.reused) await stopBroker({});
  console.log('[kinlink] stopped.');
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
for (const c of children) c.child.on('exit', (code) => { if (!stopping) console.error(`[kinlink] ${c.name} exited (${code})`); });
void ROOT;

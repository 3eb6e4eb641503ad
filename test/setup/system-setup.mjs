// End-to-end tests: the whole system, started once for the run — a fresh database, a topic
// prefix of its own (so runs never see each other's events), the six services on ports 3200+
// (E2E_PORT_BASE and E2E_DATABASE_URL let two runs share a machine).
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureBroker } from '../../scripts/lib/kafka-broker.mjs';
import { ROOT } from '../../scripts/lib/repo.mjs';
import { ensurePostgres, recreateDatabase, startServices } from '../../scripts/lib/system.mjs';

export default async function systemSetup() {
  const databaseUrl = process.env.E2E_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinlink_e2e';
  await ensurePostgres(databaseUrl);
  await recreateDatabase(databaseUrl);
  const { brokers } = await ensureBroker({ log: () => {} });
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
  const topicPrefix = `e2e-${Date.now().toString(36)}`;
  const env = {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers.join(','),
    TOPIC_PREFIX: topicPrefix,
    AGENCIES: 'unhcr,icrc,save-the-children',
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
  };
  const logDir = path.join(ROOT, '.run', 'e2e-logs', topicPrefix);
  const children = await startServices({ env, portBase: Number(process.env.E2E_PORT_BASE ?? 3200), logDir });
  globalThis.__KINLINK_SYSTEM__ = children;
  Object.assign(process.env, {
    E2E_ADMIN_API_URL: children.find((c) => c.name === 'admin-api').url,
    E2E_TOPIC_PREFIX: topicPrefix,
    E2E_KAFKA_BROKERS: brokers.join(','),
    E2E_DATABASE_URL: databaseUrl,
    E2E_LOG_DIR: logDir,
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  });
}

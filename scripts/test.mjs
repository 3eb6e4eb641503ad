// `npm test`: does its own set-up (dependencies, PostgreSQL check, Kafka broker), type-checks,
// then runs the three tiers: unit tests (parallel), then integration and end-to-end tests
// (serially, against the real broker and database). Extra arguments go to jest.
import { spawnSync } from 'node:child_process';
import { ensureInstalled, ROOT } from './lib/repo.mjs';

const started = Date.now();
ensureInstalled();
const { ensureBroker, stopBroker } = await import('./lib/kafka-broker.mjs');
const { DEFAULT_DATABASE_URL, ensurePostgres } = await import('./lib/system.mjs');
const { auditDependencies } = await import('./lib/dependency-audit.mjs');

await ensurePostgres(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
const broker = await ensureBroker({});
const jest = (args) => spawnSync(process.execPath, ['node_modules/jest/bin/jest.js', ...args], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' } }).status;
const extra = process.argv.slice(2);
let status = 0;
try {
  const audit = auditDependencies();
  console.log(`[kinlink] ${audit.status === 'skipped' ? 'SKIPPED ' : ''}${audit.summary}`);
  if (audit.status === 'failed') status = 1;
  console.log('[kinlink] type-checking…');
  if (status === 0) status = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit'], { cwd: ROOT, stdio: 'inherit' }).status;
  if (status === 0) status = jest(['--selectProjects', 'unit', ...extra]);
  if (status === 0) status = jest(['--selectProjects', 'integration-infra', 'integration', 'e2e', '--runInBand', ...extra]);
  // the fast subset of the fault-injection suite (kill -9, broker down, poison); the full suite: npm run test:faults
  if (status === 0 && extra.length === 0) {
    status = spawnSync(process.execPath, ['-r', '@swc-node/register', 'test/faults/run.ts', '--scale', 'small', '--scenarios', '1,4,8', '--no-docs'],
      { cwd: ROOT, stdio: 'inherit', env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' } }).status;
  }
} finally {
  if (!broker.reused) await stopBroker({});
}
console.log(`[kinlink] npm test finished in ${((Date.now() - started) / 1000).toFixed(1)} s with status ${status}`);
process.exit(status ?? 1);

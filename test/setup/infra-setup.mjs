// Integration tests: the real broker and PostgreSQL must be up; each test file makes its own
// topics (unique prefix) and database schema.
import { ensureBroker } from '../../scripts/lib/kafka-broker.mjs';
import { DEFAULT_DATABASE_URL, ensurePostgres } from '../../scripts/lib/system.mjs';

export default async function infraSetup() {
  await ensurePostgres(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  const { brokers } = await ensureBroker({ log: () => {} });
  process.env.KAFKA_BROKERS ??= brokers.join(',');
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
}

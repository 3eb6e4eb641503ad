export { DatabaseModule, ServiceDatabaseOptions } from './database.module';
export { ProcessedEvent, OutboxMessage } from './entities';
export { runOnce, addToOutbox, recordProcessed, OutboxEntry, schemaOf, outboxRelayLockKey, outboxWritersLockKey } from './transactions';
export { ensureDatabase, ensureSchema } from './provisioning';

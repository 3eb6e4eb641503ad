import { DataSource, EntityManager } from 'typeorm';

export interface OutboxEntry {
  topic: string;
  key: string;
  headers: Record<string, string>;
  payload: unknown;
}

/**
 * Runs `effect` once per (consumer, eventId): the inbox row and the effect commit together,
 * so a redelivered event is recognised and skipped. Returns `{ duplicate: true }` on a repeat.
 */
export async function runOnce<T>(
  dataSource: DataSource,
  consumer: string,
  eventId: string,
  effect: (manager: EntityManager) => Promise<T>,
): Promise<{ duplicate: true } | { duplicate: false; result: T }> {
  return dataSource.transaction(async (manager) => {
    const schema = schemaOf(dataSource);
    const inserted: unknown[] = await manager.query(
      `INSERT INTO "${schema}".processed_event (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
      [consumer, eventId],
    );
    if (inserted.length === 0) return { duplicate: true as const };
    return { duplicate: false as const, result: await effect(manager) };
  });
}

/**
 * Adds events to the outbox inside the caller's transaction. Call it as the transaction's last
 * step: from here to the commit the transaction holds the schema's outbox-writers lock (shared),
 * which lets the relay tell when every id below a point is final (no sequence gap can still
 * fill). Waiting for other locks after this call could deadlock with a relay reading its watermark.
 */
export async function addToOutbox(manager: EntityManager, entries: OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await manager.query('SELECT pg_advisory_xact_lock_shared(hashtext($1))', [outboxWritersLockKey(schemaOf(manager.connection))]);
  // one plain statement with four array parameters (TypeORM's multi-row insert built 4 × N placeholders per slice);
  // WITH ORDINALITY keeps the entries' order, so ids (the publish order) follow it
  await manager.query(
    `INSERT INTO "${schemaOf(manager.connection)}".outbox (topic, key, headers, payload)
     SELECT t, k, h, p FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[]) WITH ORDINALITY AS e(t, k, h, p, n) ORDER BY n`,
    [entries.map((e) => e.topic), entries.map((e) => e.key), entries.map((e) => JSON.stringify(e.headers)), entries.map((e) => JSON.stringify(e.payload))],
  );
}

/** Advisory lock names (hashed with `hashtext`) of a schema's outbox: one relay at a time; writers in flight. */
export const outboxRelayLockKey = (schema: string) => `${schema}.outbox`;
export const outboxWritersLockKey = (schema: string) => `${schema}.outbox-writers`;

export function schemaOf(dataSource: DataSource): string {
  return (dataSource.options as { schema?: string }).schema ?? 'public';
}

/**
 * Inbox rows for a whole batch slice in one statement. Returns the (consumer, event id) pairs that
 * were new; a pair missing from the answer was already processed (or is being processed by a
 * concurrent transaction that committed first).
 */
export async function recordProcessed(manager: EntityManager, entries: Array<[consumer: string, eventId: string]>): Promise<Array<[string, string]>> {
  if (entries.length === 0) return [];
  const rows: Array<{ consumer: string; event_id: string }> = await manager.query(
    `INSERT INTO "${schemaOf(manager.connection)}".processed_event (consumer, event_id)
     SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING RETURNING consumer, event_id`,
    [entries.map((e) => e[0]), entries.map((e) => e[1])],
  );
  return rows.map((r) => [r.consumer, r.event_id]);
}

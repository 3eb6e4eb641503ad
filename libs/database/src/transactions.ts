import { DataSource, EntityManager } from 'typeorm';
import { OutboxMessage } from './entities';

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

/** Adds events to the outbox inside the caller's transaction. */
export async function addToOutbox(manager: EntityManager, entries: OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await manager.getRepository(OutboxMessage).insert(entries as Array<Partial<OutboxMessage>> as never);
}

export function schemaOf(dataSource: DataSource): string {
  return (dataSource.options as { schema?: string }).schema ?? 'public';
}

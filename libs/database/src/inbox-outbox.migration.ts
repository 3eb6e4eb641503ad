import { MigrationInterface, QueryRunner } from 'typeorm';

/** Inbox and outbox tables, in the schema of the service whose data source runs it. */
export class InboxOutbox1732700000000 implements MigrationInterface {
  name = 'InboxOutbox1732700000000';

  async up(q: QueryRunner): Promise<void> {
    const s = q.connection.driver.options.type === 'postgres' ? (q.connection.options as { schema?: string }).schema ?? 'public' : 'public';
    await q.query(`CREATE TABLE IF NOT EXISTS "${s}".processed_event (
      consumer text NOT NULL, event_id text NOT NULL, processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, event_id))`);
    await q.query(`CREATE TABLE IF NOT EXISTS "${s}".outbox (
      id bigserial PRIMARY KEY, topic text NOT NULL, key text NOT NULL, headers jsonb NOT NULL,
      payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = (q.connection.options as { schema?: string }).schema ?? 'public';
    await q.query(`DROP TABLE IF EXISTS "${s}".outbox`);
    await q.query(`DROP TABLE IF EXISTS "${s}".processed_event`);
  }
}

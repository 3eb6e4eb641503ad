import { MigrationInterface, QueryRunner } from 'typeorm';

export class Records1732700000001 implements MigrationInterface {
  name = 'Records1732700000001';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['child', 'tracing_request']) {
      await q.query(`CREATE TABLE registry.${table} (
        id uuid PRIMARY KEY,
        agency_id text NOT NULL,
        agency_record_id text NOT NULL,
        revision integer NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'closed')),
        data jsonb NOT NULL,
        closure jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (agency_id, agency_record_id))`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry.tracing_request');
    await q.query('DROP TABLE registry.child');
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** Append-only: the service role only ever INSERTs leaves; a trigger refuses UPDATE and DELETE. */
export class AuditLog1732700000003 implements MigrationInterface {
  name = 'AuditLog1732700000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit.leaf (
      seq bigint PRIMARY KEY,
      event_id text NOT NULL UNIQUE,
      event_type text NOT NULL,
      actor_id text,
      subject_ids text[] NOT NULL,
      occurred_at timestamptz NOT NULL,
      leaf jsonb NOT NULL,
      leaf_hash text NOT NULL,
      chain_hash text NOT NULL)`);
    await q.query('CREATE INDEX leaf_subjects ON audit.leaf USING gin (subject_ids)');
    await q.query(`CREATE TABLE audit.head (
      id smallint PRIMARY KEY CHECK (id = 1),
      size bigint NOT NULL,
      chain_tip text NOT NULL)`);
    await q.query(`INSERT INTO audit.head (id, size, chain_tip) VALUES (1, 0, repeat('0', 64))`);
    await q.query(`CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit.leaf is append-only'; END $$`);
    await q.query(`CREATE TRIGGER leaf_append_only BEFORE UPDATE OR DELETE ON audit.leaf
      FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit.leaf');
    await q.query('DROP TABLE audit.head');
    await q.query('DROP FUNCTION audit.refuse_change');
  }
}

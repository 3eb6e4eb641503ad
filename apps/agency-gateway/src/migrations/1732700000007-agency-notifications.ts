import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the gateway needs to address outbound notices: which agency owns each Kinlink record and
 * under which of its own ids (learned from the `records` topic), and the notices that wait for
 * that to be learned (a proposal can arrive before its record's registration).
 * Ids only: no personal data is kept here.
 */
export class AgencyNotifications1732700000007 implements MigrationInterface {
  name = 'AgencyNotifications1732700000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE agency_gateway.record_owner (
      record_id uuid PRIMARY KEY,
      record_type text NOT NULL CHECK (record_type IN ('child', 'tracing-request')),
      agency_id text NOT NULL,
      agency_record_id text NOT NULL,
      learned_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE agency_gateway.pending_notice (
      id bigserial PRIMARY KEY,
      record_id uuid NOT NULL,
      record jsonb NOT NULL,
      plan jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX pending_notice_record ON agency_gateway.pending_notice (record_id, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE agency_gateway.pending_notice');
    await q.query('DROP TABLE agency_gateway.record_owner');
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Privacy: records and a proposal's compared values stay sealed at rest (opened per read; `data`
 * keeps only facts that name nobody, for SQL); erasure commands are about children and tracing requests.
 */
export class Privacy1732700000016 implements MigrationInterface {
  name = 'Privacy1732700000016';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE admin_api.proposal_view ADD COLUMN explanation_values jsonb');
    await q.query('ALTER TABLE admin_api.record_view ADD COLUMN sealed jsonb');
    await q.query('ALTER TABLE admin_api.command_request DROP CONSTRAINT IF EXISTS command_request_subject_type_check');
    await q.query(`ALTER TABLE admin_api.command_request ADD CONSTRAINT command_request_subject_type_check
      CHECK (subject_type IN ('proposal', 'case', 'child', 'tracing-request'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE admin_api.proposal_view DROP COLUMN explanation_values');
    await q.query('ALTER TABLE admin_api.record_view DROP COLUMN sealed');
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the cases service needs to apply safeguarding rules: each proposal's protection review,
 * and, per record, only the safeguarding facts (level, restricted persons, the inquirer's name).
 */
export class Safeguarding1732700000008 implements MigrationInterface {
  name = 'Safeguarding1732700000008';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cases.proposal ADD COLUMN protection jsonb NOT NULL DEFAULT '{"status": "not_required", "level": "none", "childAgencyId": null}'`);
    await q.query(`CREATE TABLE cases.record_safeguarding (
      record_id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('child', 'tracing-request')),
      agency_id text NOT NULL,
      revision integer NOT NULL,
      facts jsonb NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE cases.record_safeguarding');
    await q.query('ALTER TABLE cases.proposal DROP COLUMN protection');
  }
}

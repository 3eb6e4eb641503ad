import { MigrationInterface, QueryRunner } from 'typeorm';

/** A child's safeguarding level travels with its proposals, so they can be held for protection review. */
export class CandidateSafeguarding1732700000007 implements MigrationInterface {
  name = 'CandidateSafeguarding1732700000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE matching.candidate ADD COLUMN safeguarding_level text CHECK (safeguarding_level IN ('none', 'elevated', 'high'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE matching.candidate DROP COLUMN safeguarding_level');
  }
}

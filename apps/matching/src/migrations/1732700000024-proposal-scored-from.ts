import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The record a proposal's probability was computed from (the one being matched). A re-score when a
 * look-alike arrives or leaves scores the pair from the same record, so that only the rivals changed:
 * the prior and the one-to-one calibration are taken on the candidate's side. Null for proposals made
 * before (re-scored from the record on the other side than the look-alike).
 */
export class ProposalScoredFrom1732700000024 implements MigrationInterface {
  name = 'ProposalScoredFrom1732700000024';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE matching.proposal ADD COLUMN scored_from text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE matching.proposal DROP COLUMN scored_from');
  }
}

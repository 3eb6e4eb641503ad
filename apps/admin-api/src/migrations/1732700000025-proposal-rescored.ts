import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A proposal's last re-score (`match.rescored`): `{ previousProbability, reason, at }`, so a
 * coordinator sees what the probability was before a look-alike arrived or left. Cleared when the
 * pair is proposed again (its probability is then fresh).
 */
export class ProposalRescored1732700000025 implements MigrationInterface {
  name = 'ProposalRescored1732700000025';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE admin_api.proposal_view ADD COLUMN rescored jsonb');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE admin_api.proposal_view DROP COLUMN rescored');
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** Decisions that arrived before their proposal (the admin API saw it first); applied when it arrives. */
export class PendingDecision1732700000015 implements MigrationInterface {
  name = 'PendingDecision1732700000015';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE cases.pending_decision (
      id bigserial PRIMARY KEY,
      proposal_id uuid NOT NULL,
      command jsonb NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX pending_decision_proposal ON cases.pending_decision (proposal_id, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE cases.pending_decision');
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

export class Cases1732700000005 implements MigrationInterface {
  name = 'Cases1732700000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE cases.proposal (
      id uuid PRIMARY KEY,
      status text NOT NULL,
      child_id uuid,
      tracing_request_id uuid,
      state jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX proposal_child ON cases.proposal (child_id) WHERE child_id IS NOT NULL');
    await q.query('CREATE INDEX proposal_request ON cases.proposal (tracing_request_id) WHERE tracing_request_id IS NOT NULL');
    await q.query(`CREATE TABLE cases.reunification_case (
      id uuid PRIMARY KEY,
      proposal_id uuid,
      child_id uuid NOT NULL,
      tracing_request_id uuid NOT NULL,
      status text NOT NULL,
      version integer NOT NULL,
      state jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX case_child ON cases.reunification_case (child_id)');
    await q.query('CREATE INDEX case_request ON cases.reunification_case (tracing_request_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE cases.reunification_case');
    await q.query('DROP TABLE cases.proposal');
  }
}

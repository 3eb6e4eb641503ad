import { MigrationInterface, QueryRunner } from 'typeorm';

export class Matching1732700000002 implements MigrationInterface {
  name = 'Matching1732700000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE matching.candidate (
      id text PRIMARY KEY,
      record_id uuid NOT NULL,
      side text NOT NULL CHECK (side IN ('child', 'sought')),
      agency_id text NOT NULL,
      revision integer NOT NULL,
      active boolean NOT NULL,
      profile jsonb NOT NULL,
      fingerprint text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX candidate_record ON matching.candidate (record_id)');
    await q.query(`CREATE TABLE matching.proposal (
      id uuid PRIMARY KEY,
      pair_key text NOT NULL UNIQUE,
      kind text NOT NULL,
      left_id text NOT NULL,
      right_id text NOT NULL,
      probability double precision NOT NULL,
      score double precision NOT NULL,
      model_version text NOT NULL,
      fingerprint text NOT NULL,
      status text NOT NULL CHECK (status IN ('open', 'withdrawn')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX proposal_left ON matching.proposal (left_id)');
    await q.query('CREATE INDEX proposal_right ON matching.proposal (right_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE matching.proposal');
    await q.query('DROP TABLE matching.candidate');
  }
}

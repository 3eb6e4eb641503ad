import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hold on notices about proposals for children at safeguarding risk: each held proposal's
 * state (`pending` until a supervisor releases it, `released` for good) and the notices waiting.
 */
export class ProtectionHold1732700000014 implements MigrationInterface {
  name = 'ProtectionHold1732700000014';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE agency_gateway.protection_hold (
      proposal_id uuid PRIMARY KEY,
      status text NOT NULL CHECK (status IN ('pending', 'released')),
      child_agency text NOT NULL,
      level text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE agency_gateway.held_notice (
      id bigserial PRIMARY KEY,
      proposal_id uuid NOT NULL,
      record jsonb NOT NULL,
      plan jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX held_notice_proposal ON agency_gateway.held_notice (proposal_id, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE agency_gateway.held_notice');
    await q.query('DROP TABLE agency_gateway.protection_hold');
  }
}

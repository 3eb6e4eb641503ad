import { MigrationInterface, QueryRunner } from 'typeorm';

/** Read models the admin API serves, projected from the services' events (it reads no other schema). */
export class Projections1732700000004 implements MigrationInterface {
  name = 'Projections1732700000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE admin_api.record_view (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('child', 'tracing-request')),
      agency_id text NOT NULL,
      agency_record_id text NOT NULL,
      revision integer NOT NULL,
      status text NOT NULL,
      data jsonb NOT NULL,
      closure jsonb,
      registered_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL)`);
    await q.query('CREATE INDEX record_view_agency ON admin_api.record_view (agency_id, kind, id)');
    await q.query(`CREATE TABLE admin_api.proposal_view (
      id uuid PRIMARY KEY,
      kind text NOT NULL,
      left_side jsonb NOT NULL,
      right_side jsonb NOT NULL,
      left_agency text NOT NULL,
      right_agency text NOT NULL,
      probability double precision NOT NULL,
      score double precision NOT NULL,
      explanation jsonb NOT NULL,
      model_version text NOT NULL,
      fingerprint text NOT NULL,
      status text NOT NULL,
      decision jsonb,
      case_id uuid,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL)`);
    await q.query('CREATE INDEX proposal_view_list ON admin_api.proposal_view (status, created_at, id)');
    await q.query(`CREATE TABLE admin_api.case_view (
      id uuid PRIMARY KEY,
      proposal_id uuid NOT NULL,
      child_id uuid NOT NULL,
      tracing_request_id uuid NOT NULL,
      child_agency text NOT NULL,
      request_agency text NOT NULL,
      status text NOT NULL,
      version integer NOT NULL,
      timeline jsonb NOT NULL DEFAULT '[]',
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL)`);
    await q.query(`CREATE TABLE admin_api.audit_entry (
      seq bigint PRIMARY KEY,
      event_id text NOT NULL UNIQUE,
      subject_ids text[] NOT NULL,
      leaf jsonb NOT NULL,
      leaf_hash text NOT NULL,
      chain_hash text NOT NULL)`);
    await q.query('CREATE INDEX audit_entry_subjects ON admin_api.audit_entry USING gin (subject_ids)');
    await q.query(`CREATE TABLE admin_api.command_outcome (
      command_id text PRIMARY KEY,
      outcome text NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
      http_status integer NOT NULL,
      body jsonb NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['command_outcome', 'audit_entry', 'case_view', 'proposal_view', 'record_view']) await q.query(`DROP TABLE admin_api.${t}`);
  }
}

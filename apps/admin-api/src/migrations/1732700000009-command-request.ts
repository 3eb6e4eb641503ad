import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who sent each coordinator command, about which proposal or case, and a hash of what it asked:
 * a command's outcome is shown only to callers who may see its subject, and an Idempotency-Key
 * reused for a different request is refused instead of answering with the first one's outcome.
 */
export class CommandRequest1732700000009 implements MigrationInterface {
  name = 'CommandRequest1732700000009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE admin_api.command_request (
      command_id text PRIMARY KEY,
      subject_type text NOT NULL CHECK (subject_type IN ('proposal', 'case')),
      subject_id uuid NOT NULL,
      actor_id text NOT NULL,
      request_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE admin_api.command_request');
  }
}

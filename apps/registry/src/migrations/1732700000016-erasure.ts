import { MigrationInterface, QueryRunner } from 'typeorm';

/** Records can be erased (crypto-shredded): status `erased`, when. */
export class Erasure1732700000016 implements MigrationInterface {
  name = 'Erasure1732700000016';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['child', 'tracing_request']) {
      await q.query(`ALTER TABLE registry.${table} DROP CONSTRAINT IF EXISTS ${table}_status_check`);
      await q.query(`ALTER TABLE registry.${table} ADD CONSTRAINT ${table}_status_check CHECK (status IN ('open', 'closed', 'erased'))`);
      await q.query(`ALTER TABLE registry.${table} ADD COLUMN erased_at timestamptz`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['child', 'tracing_request']) {
      await q.query(`ALTER TABLE registry.${table} DROP COLUMN erased_at`);
    }
  }
}

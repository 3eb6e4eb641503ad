import { MigrationInterface, QueryRunner } from 'typeorm';
import { advanceAuditTree } from '../audit-trail/audit-projection';

/**
 * The auditor's read models: searchable audit entries, the admin API's own Merkle tree over the
 * projected leaf hashes (to serve proofs without reading another schema), the signed checkpoints
 * it received, and what each logged read was (the preimage of the read leaf's payload hash).
 */
export class AuditTrail1732700000006 implements MigrationInterface {
  name = 'AuditTrail1732700000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE admin_api.audit_entry
      ADD COLUMN event_type text, ADD COLUMN actor_id text, ADD COLUMN agency_ids text[] NOT NULL DEFAULT '{}', ADD COLUMN occurred_at timestamptz`);
    await q.query(`UPDATE admin_api.audit_entry SET event_type = leaf->>'eventType', actor_id = leaf->'actor'->>'id',
      occurred_at = (leaf->>'occurredAt')::timestamptz,
      agency_ids = ARRAY(SELECT DISTINCT a FROM unnest(ARRAY[leaf->>'agencyId', leaf->'actor'->>'agencyId']) AS a WHERE a IS NOT NULL)`);
    await q.query('ALTER TABLE admin_api.audit_entry ALTER COLUMN event_type SET NOT NULL, ALTER COLUMN occurred_at SET NOT NULL');
    await q.query('CREATE INDEX audit_entry_type ON admin_api.audit_entry (event_type, seq)');
    await q.query('CREATE INDEX audit_entry_actor ON admin_api.audit_entry (actor_id, seq)');
    await q.query('CREATE INDEX audit_entry_agencies ON admin_api.audit_entry USING gin (agency_ids)');
    await q.query('CREATE INDEX audit_entry_occurred ON admin_api.audit_entry (occurred_at, seq)');
    await q.query(`CREATE TABLE admin_api.audit_node (
      level smallint NOT NULL,
      idx bigint NOT NULL,
      hash bytea NOT NULL,
      PRIMARY KEY (level, idx))`);
    await q.query(`CREATE TABLE admin_api.audit_tree (
      id smallint PRIMARY KEY CHECK (id = 1),
      size bigint NOT NULL,
      frontier jsonb NOT NULL)`);
    await q.query(`INSERT INTO admin_api.audit_tree (id, size, frontier) VALUES (1, 0, '[]')`);
    await q.query(`CREATE TABLE admin_api.audit_checkpoint (
      tree_size bigint PRIMARY KEY,
      root_hash text NOT NULL,
      origin text NOT NULL,
      key_name text NOT NULL,
      public_key text NOT NULL,
      signed_at timestamptz,
      note text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE admin_api.access_read (
      event_id uuid PRIMARY KEY,
      actor_id text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await advanceAuditTree(q);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['access_read', 'audit_checkpoint', 'audit_tree', 'audit_node']) await q.query(`DROP TABLE admin_api.${t}`);
    for (const i of ['audit_entry_type', 'audit_entry_actor', 'audit_entry_agencies', 'audit_entry_occurred']) await q.query(`DROP INDEX admin_api.${i}`);
    await q.query('ALTER TABLE admin_api.audit_entry DROP COLUMN event_type, DROP COLUMN actor_id, DROP COLUMN agency_ids, DROP COLUMN occurred_at');
  }
}

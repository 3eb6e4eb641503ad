import { MigrationInterface, QueryRunner } from 'typeorm';
import { MerkleAccumulator } from '@kinlink/audit-log';

/**
 * The RFC 9162 Merkle tree over the leaves: every perfect subtree hash (`audit.node`, level 0 =
 * leaf hashes) written in the same transaction as the leaf that completes it, the accumulator
 * frontier on the head row, and the signed checkpoints. All append-only. Leaves appended before
 * this migration get their nodes here.
 */
export class AuditMerkleTree1732700000006 implements MigrationInterface {
  name = 'AuditMerkleTree1732700000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit.node (
      level smallint NOT NULL CHECK (level BETWEEN 0 AND 63),
      idx bigint NOT NULL CHECK (idx >= 0),
      hash bytea NOT NULL CHECK (octet_length(hash) = 32),
      PRIMARY KEY (level, idx))`);
    await q.query(`ALTER TABLE audit.head ADD COLUMN frontier jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`CREATE TABLE audit.checkpoint (
      tree_size bigint PRIMARY KEY CHECK (tree_size > 0),
      root_hash text NOT NULL,
      signed_at timestamptz NOT NULL,
      key_id text NOT NULL,
      note text NOT NULL)`);
    await q.query(`CREATE TRIGGER node_append_only BEFORE UPDATE OR DELETE ON audit.node
      FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()`);
    await q.query(`CREATE TRIGGER checkpoint_append_only BEFORE UPDATE OR DELETE ON audit.checkpoint
      FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()`);
    await q.query(`CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit.% is append-only', TG_TABLE_NAME; END $$`);
    await q.query('CREATE INDEX leaf_event_type ON audit.leaf (event_type, seq)');

    // nodes for leaves appended before the tree existed
    const acc = new MerkleAccumulator();
    for (;;) {
      const rows: Array<{ seq: string; leaf_hash: string }> = await q.query(
        'SELECT seq, leaf_hash FROM audit.leaf WHERE seq >= $1 ORDER BY seq LIMIT 5000', [acc.size]);
      if (rows.length === 0) break;
      const nodes = [];
      for (const r of rows) {
        if (Number(r.seq) !== acc.size) throw new Error(`audit.leaf has a gap at ${acc.size}: run the self-check before migrating`);
        nodes.push(...acc.append(Buffer.from(r.leaf_hash, 'hex')));
      }
      await q.query(
        `INSERT INTO audit.node (level, idx, hash) SELECT l, i, decode(h, 'hex') FROM unnest($1::int[], $2::bigint[], $3::text[]) AS t(l, i, h)`,
        [nodes.map((n) => n.level), nodes.map((n) => String(n.index)), nodes.map((n) => n.hash.toString('hex'))]);
    }
    await q.query('UPDATE audit.head SET frontier = $1 WHERE id = 1', [JSON.stringify(acc.toState().frontier)]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX audit.leaf_event_type');
    await q.query('DROP TABLE audit.checkpoint');
    await q.query('DROP TABLE audit.node');
    await q.query('ALTER TABLE audit.head DROP COLUMN frontier');
  }
}

import { EntityManager } from 'typeorm';
import { MerkleError, MerkleStore, NodeId } from '@kinlink/audit-log';

/** Anything that can run SQL: an EntityManager, a DataSource or a QueryRunner. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The head row of the sequencer. */
export interface HeadRow {
  size: number;
  chainTip: string;
  frontier: string[];
}

/** Locks and reads the head row (every append and every checkpoint takes this lock: the single sequencer). */
export async function lockHead(m: Queryable): Promise<HeadRow> {
  const [row]: Array<{ size: string; chain_tip: string; frontier: string[] }> =
    await m.query('SELECT size, chain_tip, frontier FROM audit.head WHERE id = 1 FOR UPDATE');
  if (!row) throw new Error('audit.head is missing');
  return { size: Number(row.size), chainTip: row.chain_tip, frontier: row.frontier };
}

export async function readHead(m: Queryable): Promise<HeadRow> {
  const [row]: Array<{ size: string; chain_tip: string; frontier: string[] }> =
    await m.query('SELECT size, chain_tip, frontier FROM audit.head WHERE id = 1');
  if (!row) throw new Error('audit.head is missing');
  return { size: Number(row.size), chainTip: row.chain_tip, frontier: row.frontier };
}

/** {@link MerkleStore} over a `(level, idx, hash)` table: one query per proof. */
export class PgMerkleStore implements MerkleStore {
  constructor(private readonly db: Queryable | EntityManager, private readonly table = 'audit.node') {}

  async getNodes(ids: readonly NodeId[]): Promise<Buffer[]> {
    if (ids.length === 0) return [];
    const rows: Array<{ level: number; idx: string; hash: Buffer }> = await this.db.query(
      `SELECT n.level, n.idx, n.hash FROM ${this.table} n
        JOIN unnest($1::int[], $2::bigint[]) AS w(l, i) ON n.level = w.l AND n.idx = w.i`,
      [ids.map((id) => id.level), ids.map((id) => String(id.index))],
    );
    const byKey = new Map(rows.map((r) => [`${r.level}/${r.idx}`, r.hash]));
    return ids.map((id) => {
      const h = byKey.get(`${id.level}/${id.index}`);
      if (!h) throw new MerkleError(`node ${id.level}/${id.index} is not in ${this.table}`);
      return h;
    });
  }
}

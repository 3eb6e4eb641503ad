import {
  AuditLeaf, canonicalJson, exportCheckpointLine, exportHeaderLine, fetchConsistencyProof, fetchFrontier,
} from '@kinlink/audit-log';
import { PgMerkleStore, Queryable } from './merkle-store';

export interface ExportRangeOptions {
  /** first leaf index (default 0) */
  from?: number;
  /** end of the range: the size of a signed checkpoint (default: the latest) */
  to?: number;
  /** earlier tree sizes (held by the reader) to include consistency proofs from */
  consistencyFrom?: readonly number[];
}

/**
 * The log's leaves [from, to) in the export format of `@kinlink/audit-log` (docs/audit.md §Export),
 * written exactly as stored: each leaf line carries the stored leaf hash, and the checkpoints the
 * log signed inside the range are interleaved, so `npm run audit:verify` pinpoints any damage.
 * Yields newline-terminated lines.
 */
export async function* exportRange(db: Queryable, options: ExportRangeOptions = {}, table = { leaf: 'audit.leaf', node: 'audit.node', checkpoint: 'audit.checkpoint' }): AsyncGenerator<string> {
  const from = options.from ?? 0;
  const [cp]: Array<{ tree_size: string; note: string }> = options.to === undefined
    ? await db.query(`SELECT tree_size, note FROM ${table.checkpoint} ORDER BY tree_size DESC LIMIT 1`)
    : await db.query(`SELECT tree_size, note FROM ${table.checkpoint} WHERE tree_size = $1`, [options.to]);
  if (!cp) throw new RangeError(options.to === undefined ? 'the log has no signed checkpoint yet' : `no signed checkpoint at size ${options.to}`);
  const to = Number(cp.tree_size);
  if (!Number.isSafeInteger(from) || from < 0 || from > to) throw new RangeError(`from must be between 0 and ${to}`);
  const store = new PgMerkleStore(db, table.node);
  const prefix = from > 0 ? await fetchFrontier(store, from) : [];
  const consistency = [];
  for (const size of [...new Set(options.consistencyFrom ?? [])].sort((a, b) => a - b)) {
    if (!Number.isSafeInteger(size) || size <= 0 || size >= to) throw new RangeError(`consistency proofs need 0 < size < ${to}`);
    consistency.push({ fromSize: size, proof: await fetchConsistencyProof(store, size, to) });
  }
  yield `${exportHeaderLine({ checkpoint: cp.note, from, prefix, consistency })}\n`;
  const inner: Array<{ tree_size: string; note: string }> = await db.query(
    `SELECT tree_size, note FROM ${table.checkpoint} WHERE tree_size >= $1 AND tree_size < $2 ORDER BY tree_size`, [from, to]);
  const checkpointAt = new Map(inner.map((r) => [Number(r.tree_size), r.note]));
  if (from > 0 && checkpointAt.has(from)) yield `${exportCheckpointLine(checkpointAt.get(from) as string)}\n`;
  let next = from;
  for (;;) {
    const rows: Array<{ seq: string; leaf: AuditLeaf; leaf_hash: string }> = await db.query(
      `SELECT seq, leaf, leaf_hash FROM ${table.leaf} WHERE seq >= $1 AND seq < $2 ORDER BY seq LIMIT 2000`, [next, to]);
    if (rows.length === 0) break;
    let chunk = '';
    for (const r of rows) {
      const i = Number(r.seq);
      chunk += `${canonicalJson({ h: r.leaf_hash, i, leaf: r.leaf })}\n`;
      const at = checkpointAt.get(i + 1);
      if (at !== undefined) chunk += `${exportCheckpointLine(at)}\n`;
      next = i + 1;
    }
    yield chunk;
    if (rows.length < 2000) break;
  }
}

/** The whole export as one string (tests, small ranges). */
export async function exportRangeText(db: Queryable, options: ExportRangeOptions = {}): Promise<string> {
  let out = '';
  for await (const chunk of exportRange(db, options)) out += chunk;
  return out;
}

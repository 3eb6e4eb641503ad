import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import {
  AuditLeaf, Checkpoint, CheckpointError, leafHash, MerkleAccumulator, MerkleError, MerkleNode, MerkleStore, NodeId,
  parseVerifierKey, verifyCheckpoint, VerifierKey,
} from '@kinlink/audit-log';
import { AuditAppended, AuditCheckpointPublished, DomainError } from '@kinlink/contracts';

/** Anything that runs SQL (EntityManager, DataSource, QueryRunner). */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const logger = new Logger('AuditProjection');

/** A checkpoint the admin API refuses to project (dead-lettered, so it becomes an audit leaf itself). */
export class RejectedAuditCheckpoint extends DomainError<'audit_checkpoint_invalid' | 'audit_checkpoint_fork'> {
  constructor(readonly code: 'audit_checkpoint_invalid' | 'audit_checkpoint_fork', message: string) {
    super(message);
  }
}

/**
 * The audit log's verifier key pinned by configuration — `AUDIT_PUBLIC_KEY` (the
 * `<name>+<id>+<base64>` text) or `AUDIT_PUBLIC_KEY_FILE` — or undefined, in which case each
 * checkpoint is checked against the key published with it (fine for development; pin the key in
 * production, obtained out of band like any trust anchor).
 */
export function pinnedAuditKey(env: NodeJS.ProcessEnv = process.env): VerifierKey | undefined {
  const text = env.AUDIT_PUBLIC_KEY ?? (env.AUDIT_PUBLIC_KEY_FILE ? readFileSync(env.AUDIT_PUBLIC_KEY_FILE, 'utf8') : undefined);
  return text ? parseVerifierKey(text) : undefined;
}

let pinned: { key: VerifierKey | undefined } | undefined;
function pinnedKey(): VerifierKey | undefined {
  pinned ??= { key: pinnedAuditKey() };
  return pinned.key;
}

/** Verifies a checkpoint with the pinned key, else with the key that came with it. */
export function verifyAuditCheckpoint(note: string, publishedKey: string): { checkpoint: Checkpoint; key: VerifierKey } {
  const key = pinnedKey() ?? parseVerifierKey(publishedKey);
  return { checkpoint: verifyCheckpoint(note, key), key };
}

/**
 * `audit.appended`: the searchable entry, then the tree extended over every contiguous new leaf —
 * by `advance`, which a batch slice runs once for all its leaves (four statements and the tree
 * row's lock per slice instead of per leaf).
 */
export async function projectAuditAppended(m: Queryable, p: AuditAppended, advance: () => Promise<unknown> = () => advanceAuditTree(m)): Promise<void> {
  const { chainHash, ...leaf } = p.leaf as unknown as AuditLeaf & { chainHash?: string };
  let computed: string | undefined;
  try {
    computed = leafHash(leaf).toString('hex');
  } catch {
    computed = undefined;
  }
  if (computed !== p.leafHash) logger.error(`audit leaf ${p.seq}: its content does not hash to the published leaf hash`);
  const agencies = [...new Set([leaf.agencyId, leaf.actor?.agencyId].filter((a): a is string => typeof a === 'string'))];
  await m.query(
    `INSERT INTO admin_api.audit_entry (seq, event_id, subject_ids, leaf, leaf_hash, chain_hash, event_type, actor_id, agency_ids, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
    [p.seq, leaf.eventId, (leaf.subjects ?? []).map((s) => s.id), leaf, p.leafHash, chainHash ?? '', leaf.eventType,
      leaf.actor?.id ?? null, agencies, leaf.occurredAt],
  );
  await advance();
}

/**
 * Extends the admin API's tree over the entries that now continue it without a gap (`audit.appended`
 * events arrive on several partitions, so out of order). Serialised by the tree row's lock; each
 * statement sees every entry committed before it, so the tree always covers the longest
 * contiguous prefix.
 */
export async function advanceAuditTree(m: Queryable): Promise<number> {
  const [row]: Array<{ size: string; frontier: string[] }> = await m.query('SELECT size, frontier FROM admin_api.audit_tree WHERE id = 1 FOR UPDATE');
  const tree = MerkleAccumulator.fromState({ size: Number(row.size), frontier: row.frontier });
  const start = tree.size;
  for (;;) {
    const rows: Array<{ seq: string; leaf_hash: string }> = await m.query(
      'SELECT seq, leaf_hash FROM admin_api.audit_entry WHERE seq >= $1 ORDER BY seq LIMIT 1000', [tree.size]);
    const nodes: MerkleNode[] = [];
    let appended = 0;
    for (const r of rows) {
      if (Number(r.seq) !== tree.size) break;
      nodes.push(...tree.append(Buffer.from(r.leaf_hash, 'hex')));
      appended++;
    }
    if (nodes.length > 0) {
      await m.query(
        `INSERT INTO admin_api.audit_node (level, idx, hash) SELECT l, i, decode(h, 'hex') FROM unnest($1::int[], $2::bigint[], $3::text[]) AS t(l, i, h)
         ON CONFLICT DO NOTHING`,
        [nodes.map((n) => n.level), nodes.map((n) => String(n.index)), nodes.map((n) => n.hash.toString('hex'))]);
    }
    if (appended < 1000) break;
  }
  if (tree.size > start) {
    await m.query('UPDATE admin_api.audit_tree SET size = $1, frontier = $2 WHERE id = 1', [tree.size, JSON.stringify(tree.toState().frontier)]);
  }
  return tree.size;
}

/** `audit.checkpoint`: kept once verified; a second, different root for a size is a fork and is refused. */
export async function projectAuditCheckpoint(m: Queryable, p: AuditCheckpointPublished): Promise<void> {
  let cp: Checkpoint;
  let key: VerifierKey;
  try {
    ({ checkpoint: cp, key } = verifyAuditCheckpoint(p.checkpoint, p.publicKey));
  } catch (e) {
    if (e instanceof CheckpointError || e instanceof TypeError) throw new RejectedAuditCheckpoint('audit_checkpoint_invalid', `checkpoint does not verify: ${e.message}`);
    throw e;
  }
  const root = cp.rootHash.toString('hex');
  const inserted: unknown[] = await m.query(
    `INSERT INTO admin_api.audit_checkpoint (tree_size, root_hash, origin, key_name, public_key, signed_at, note)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tree_size) DO NOTHING RETURNING 1`,
    [cp.treeSize, root, cp.origin, key.name, p.publicKey, cp.timestamp ?? null, cp.text]);
  if (inserted.length > 0) return;
  const [known]: Array<{ root_hash: string }> = await m.query('SELECT root_hash FROM admin_api.audit_checkpoint WHERE tree_size = $1', [cp.treeSize]);
  if (known && known.root_hash !== root) {
    logger.error(`FORK: the audit log signed two roots for size ${cp.treeSize}: ${known.root_hash} and ${root}`);
    throw new RejectedAuditCheckpoint('audit_checkpoint_fork', `a second root for tree size ${cp.treeSize}`);
  }
}

/** {@link MerkleStore} over `admin_api.audit_node`. */
export class AdminMerkleStore implements MerkleStore {
  constructor(private readonly db: Queryable) {}

  async getNodes(ids: readonly NodeId[]): Promise<Buffer[]> {
    if (ids.length === 0) return [];
    const rows: Array<{ level: number; idx: string; hash: Buffer }> = await this.db.query(
      `SELECT n.level, n.idx, n.hash FROM admin_api.audit_node n
        JOIN unnest($1::int[], $2::bigint[]) AS w(l, i) ON n.level = w.l AND n.idx = w.i`,
      [ids.map((id) => id.level), ids.map((id) => String(id.index))]);
    const byKey = new Map(rows.map((r) => [`${r.level}/${r.idx}`, r.hash]));
    return ids.map((id) => {
      const h = byKey.get(`${id.level}/${id.index}`);
      if (!h) throw new MerkleError(`node ${id.level}/${id.index} is not in the projection`);
      return h;
    });
  }
}

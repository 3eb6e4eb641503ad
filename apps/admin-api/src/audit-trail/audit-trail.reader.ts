import { HttpException } from '@nestjs/common';
import {
  AuditLeaf, canonicalJson, Checkpoint, exportCheckpointLine, exportHeaderLine, fetchConsistencyProof, fetchFrontier,
  fetchInclusionProof, fetchRoot, hashPayload, leafHash, verifyConsistency, verifyInclusion,
} from '@kinlink/audit-log';
import { ApiError } from '../common/api.errors';
import { AdminMerkleStore, Queryable, verifyAuditCheckpoint } from './audit-projection';
import { describeEntry, ReadPayload } from './describe';

export interface VerifiedCheckpoint {
  treeSize: number;
  rootHash: string;
  timestamp: string | null;
  origin: string;
  keyName: string;
  /** the log's verifier key the checkpoint verified with, `<name>+<id>+<base64>` */
  publicKey: string;
  /** the signed note (C2SP checkpoint) */
  checkpoint: string;
}

export interface EntryFilter {
  subject?: string;
  actor?: string;
  agency?: string;
  eventTypes?: string[];
  since?: string;
  until?: string;
  cursor?: string;
  limit: number;
}

interface EntryRow { seq: string; leaf: AuditLeaf; leaf_hash: string }
interface CheckpointRow { tree_size: string; root_hash: string; origin: string; key_name: string; public_key: string; note: string }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const READ_TYPES = new Set(['record.read', 'audit-log.read']);

/** The projection disagrees with what the log signed: serve nothing rather than an unverifiable answer. */
function integrityError(detail: string): HttpException {
  return new HttpException({ type: 'urn:kinlink:error:audit_integrity', title: 'Service Unavailable', status: 503, detail, code: 'audit_integrity' }, 503);
}

export function encodeSeqCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

export function decodeSeqCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const m = /^seq:(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new ApiError('invalid_request', 'invalid cursor');
  return Number(m[1]);
}

/**
 * The auditor's view of the audit log, computed from the admin API's own projection (entries, the
 * Merkle tree over their leaf hashes, the checkpoints received). Every proof and export is checked
 * against a signed checkpoint before it is served: the root the projection computes at the
 * checkpoint's size must equal the signed root.
 */
export class AuditTrailReader {
  private readonly store: AdminMerkleStore;

  constructor(private readonly db: Queryable) {
    this.store = new AdminMerkleStore(db);
  }

  async treeSize(): Promise<number> {
    const [row]: Array<{ size: string }> = await this.db.query('SELECT size FROM admin_api.audit_tree WHERE id = 1');
    return Number(row?.size ?? 0);
  }

  /** The newest checkpoint the projection has caught up with, verified; null before the first. */
  async latestCheckpoint(): Promise<VerifiedCheckpoint | null> {
    const size = await this.treeSize();
    const [row]: CheckpointRow[] = await this.db.query(
      'SELECT * FROM admin_api.audit_checkpoint WHERE tree_size <= $1 ORDER BY tree_size DESC LIMIT 1', [size]);
    return row ? this.verified(row) : null;
  }

  /** The checkpoint at exactly `treeSize`, verified. */
  async checkpointAt(treeSize: number): Promise<VerifiedCheckpoint> {
    const [row]: CheckpointRow[] = await this.db.query('SELECT * FROM admin_api.audit_checkpoint WHERE tree_size = $1', [treeSize]);
    if (!row) throw new ApiError('invalid_request', `no signed checkpoint at tree size ${treeSize}; use the size of a checkpoint (GET /audit/checkpoints/latest)`);
    if (treeSize > (await this.treeSize())) throw new ApiError('invalid_request', `the audit projection has not reached tree size ${treeSize} yet`);
    return this.verified(row);
  }

  private async checkpointOrLatest(treeSize: number | undefined): Promise<VerifiedCheckpoint> {
    if (treeSize !== undefined) return this.checkpointAt(treeSize);
    const cp = await this.latestCheckpoint();
    if (!cp) throw new ApiError('not_found', 'the audit log has no signed checkpoint yet');
    return cp;
  }

  private async verified(row: CheckpointRow): Promise<VerifiedCheckpoint> {
    let cp: Checkpoint;
    try {
      cp = verifyAuditCheckpoint(row.note, row.public_key).checkpoint;
    } catch (e) {
      throw integrityError(`the stored checkpoint at size ${row.tree_size} does not verify: ${(e as Error).message}`);
    }
    const root = (await fetchRoot(this.store, cp.treeSize)).toString('hex');
    if (root !== cp.rootHash.toString('hex') || cp.treeSize !== Number(row.tree_size)) {
      throw integrityError(`the audit projection's root at size ${cp.treeSize} (${root}) is not the signed root ${cp.rootHash.toString('hex')}`);
    }
    return {
      treeSize: cp.treeSize, rootHash: root, timestamp: cp.timestamp ?? null, origin: cp.origin, keyName: row.key_name,
      publicKey: row.public_key, checkpoint: cp.text,
    };
  }

  async inclusion(index: number, treeSize?: number) {
    const cp = await this.checkpointOrLatest(treeSize);
    if (index >= cp.treeSize) throw new ApiError('invalid_request', `index ${index} is not below tree size ${cp.treeSize}`);
    const [row]: EntryRow[] = await this.db.query('SELECT seq, leaf, leaf_hash FROM admin_api.audit_entry WHERE seq = $1', [index]);
    if (!row) throw integrityError(`leaf ${index} is missing from the projection`);
    const proof = await fetchInclusionProof(this.store, index, cp.treeSize);
    const lh = Buffer.from(row.leaf_hash, 'hex');
    if (!verifyInclusion(lh, index, cp.treeSize, proof, Buffer.from(cp.rootHash, 'hex'))) {
      throw integrityError(`the inclusion proof for leaf ${index} does not reproduce the signed root`);
    }
    return {
      index, treeSize: cp.treeSize, leafHash: row.leaf_hash, leaf: row.leaf, proof: proof.map((h) => h.toString('hex')),
      rootHash: cp.rootHash, checkpoint: cp.checkpoint,
    };
  }

  async consistency(from: number, to?: number) {
    const cp = await this.checkpointOrLatest(to);
    if (from > cp.treeSize) throw new ApiError('invalid_request', `from (${from}) is larger than to (${cp.treeSize})`);
    const proof = await fetchConsistencyProof(this.store, from, cp.treeSize);
    const fromRoot = await fetchRoot(this.store, from);
    if (!verifyConsistency(from, cp.treeSize, fromRoot, Buffer.from(cp.rootHash, 'hex'), proof)) {
      throw integrityError(`the consistency proof from ${from} to ${cp.treeSize} does not verify`);
    }
    const [signedFrom]: CheckpointRow[] = await this.db.query('SELECT * FROM admin_api.audit_checkpoint WHERE tree_size = $1', [from]);
    return {
      from, to: cp.treeSize, proof: proof.map((h) => h.toString('hex')), fromRoot: fromRoot.toString('hex'), toRoot: cp.rootHash,
      checkpoint: cp.checkpoint, fromCheckpoint: signedFrom?.note ?? null,
    };
  }

  async entries(f: EntryFilter) {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.subject) add('? = ANY(subject_ids)', f.subject);
    if (f.actor) add('actor_id = ?', f.actor);
    if (f.agency) add('? = ANY(agency_ids)', f.agency);
    if (f.eventTypes?.length) add('event_type = ANY(?::text[])', f.eventTypes);
    if (f.since) add('occurred_at >= ?::timestamptz', f.since);
    if (f.until) add('occurred_at < ?::timestamptz', f.until);
    const after = decodeSeqCursor(f.cursor);
    if (after !== undefined) add('seq > ?', after);
    const rows: EntryRow[] = await this.db.query(
      `SELECT seq, leaf, leaf_hash FROM admin_api.audit_entry ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT ${f.limit + 1}`, params);
    const page = rows.slice(0, f.limit);
    return {
      items: await this.describeAll(page),
      nextCursor: rows.length > f.limit ? encodeSeqCursor(Number(page[page.length - 1].seq)) : null,
    };
  }

  /** A subject's history in log order, each entry human-readable, with what verifies it. */
  async history(subjectId: string, limit: number, withProofs: boolean) {
    const rows: EntryRow[] = await this.db.query(
      'SELECT seq, leaf, leaf_hash FROM admin_api.audit_entry WHERE $1 = ANY(subject_ids) ORDER BY seq LIMIT $2', [subjectId, limit]);
    const entries = await this.describeAll(rows);
    const size = await this.treeSize();
    const verification: Record<string, unknown> = { valid: true, size, checkpoint: null, covered: 0, pending: 0 };
    const bad = rows.find((r) => {
      try {
        return leafHash(r.leaf).toString('hex') !== r.leaf_hash;
      } catch {
        return true;
      }
    });
    if (bad) Object.assign(verification, { valid: false, firstBadSeq: Number(bad.seq), problem: 'leaf hash mismatch' });
    let cp: VerifiedCheckpoint | null = null;
    try {
      cp = await this.latestCheckpoint();
    } catch (e) {
      Object.assign(verification, { valid: false, problem: (e as Error).message });
    }
    if (cp) {
      verification.checkpoint = { treeSize: cp.treeSize, rootHash: cp.rootHash, timestamp: cp.timestamp, checkpoint: cp.checkpoint };
      const covered = rows.filter((r) => Number(r.seq) < cp.treeSize);
      verification.covered = covered.length;
      verification.pending = rows.length - covered.length;
      if (withProofs) {
        for (const [i, r] of rows.entries()) {
          if (Number(r.seq) >= cp.treeSize) continue;
          const proof = await fetchInclusionProof(this.store, Number(r.seq), cp.treeSize);
          (entries[i] as Record<string, unknown>).inclusionProof = { treeSize: cp.treeSize, proof: proof.map((h) => h.toString('hex')) };
        }
      }
    } else {
      verification.pending = rows.length;
    }
    return { subjectId, entries, verification };
  }

  private async describeAll(rows: EntryRow[]) {
    const readIds = rows.filter((r) => READ_TYPES.has(r.leaf.eventType) && UUID.test(r.leaf.eventId)).map((r) => r.leaf.eventId);
    const reads = new Map<string, ReadPayload>();
    if (readIds.length) {
      const found: Array<{ event_id: string; payload: ReadPayload }> =
        await this.db.query('SELECT event_id, payload FROM admin_api.access_read WHERE event_id = ANY($1::uuid[])', [readIds]);
      for (const f of found) reads.set(f.event_id, f.payload);
    }
    return rows.map((r) => {
      const payload = reads.get(r.leaf.eventId);
      let read: { payload: ReadPayload; payloadVerified: boolean } | undefined;
      if (payload) {
        let ok = false;
        try {
          ok = hashPayload(payload) === r.leaf.payloadHash;
        } catch {
          ok = false;
        }
        read = { payload, payloadVerified: ok };
      }
      return describeEntry(Number(r.seq), r.leaf, r.leaf_hash, read);
    });
  }

  /** Checks an export request and returns the checkpoint it will end at. */
  async exportCheckpoint(from: number, to?: number): Promise<VerifiedCheckpoint> {
    const cp = await this.checkpointOrLatest(to);
    if (from > cp.treeSize) throw new ApiError('invalid_request', `from (${from}) is beyond the checkpoint size ${cp.treeSize}`);
    return cp;
  }

  /**
   * Leaves [from, cp.treeSize) in the `@kinlink/audit-log` export format (JSON Lines): the header
   * with the signed checkpoint, the compact range before `from` and consistency proofs from the
   * sizes asked for; each leaf line as projected (with its leaf hash); the checkpoints signed
   * inside the range interleaved. Verify it offline with `npm run audit:verify`.
   */
  async *exportLines(cp: VerifiedCheckpoint, from: number, consistencyFrom: readonly number[] = []): AsyncGenerator<string> {
    const to = cp.treeSize;
    const prefix = from > 0 ? await fetchFrontier(this.store, from) : [];
    const consistency = [];
    for (const size of [...new Set(consistencyFrom)].sort((a, b) => a - b)) {
      if (size <= 0 || size >= to) throw new ApiError('invalid_request', `consistencyFrom sizes must be between 1 and ${to - 1}`);
      consistency.push({ fromSize: size, proof: await fetchConsistencyProof(this.store, size, to) });
    }
    const header = `${exportHeaderLine({ checkpoint: cp.checkpoint, from, prefix, consistency, keyName: cp.keyName })}\n`;
    const inner: Array<{ tree_size: string; note: string }> = await this.db.query(
      'SELECT tree_size, note FROM admin_api.audit_checkpoint WHERE tree_size >= $1 AND tree_size < $2 ORDER BY tree_size', [from, to]);
    const checkpointAt = new Map(inner.map((r) => [Number(r.tree_size), r.note]));
    yield header;
    if (from > 0 && checkpointAt.has(from)) yield `${exportCheckpointLine(checkpointAt.get(from) as string)}\n`;
    let next = from;
    while (next < to) {
      const rows: EntryRow[] = await this.db.query(
        'SELECT seq, leaf, leaf_hash FROM admin_api.audit_entry WHERE seq >= $1 AND seq < $2 ORDER BY seq LIMIT 2000', [next, to]);
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
    }
  }
}

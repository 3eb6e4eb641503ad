/**
 * The audit export: a JSON Lines file an auditor can verify offline with nothing but the log's
 * public key (and, ideally, checkpoints they saved earlier). Format: docs/audit.md §Export.
 *
 *   line 1        header  {"checkpoint","consistency"?,"format","from","keyName","origin","prefix","to"}
 *   then, in index order, one line per leaf                  {"h","i","leaf"}
 *   and, right after the leaf that completes its tree size,  {"checkpoint"}   (optional, signed by the log)
 *
 * Every line is the canonical JSON of its value, terminated by "\n".
 */
import { MerkleAccumulator } from './accumulator';
import { canonicalJson } from './canonical-json';
import { Checkpoint, parseCheckpoint, verifyCheckpoint } from './checkpoint';
import { EMPTY_ROOT, hashEquals, hashLeaf, isHashHex } from './hash';
import { KeyObject } from 'node:crypto';
import { computeKeyId, parseVerifierKey, VerifierKey } from './keys';
import { AuditLeaf, AuditLeafError, encodeLeaf, validateLeaf } from './leaf';
import { checkConsistency, rangeNodes } from './merkle';

export const EXPORT_FORMAT = 'kinlink-audit-export/1';

export interface ExportConsistencyProof {
  /** size of the earlier tree; the proof goes from it to the header checkpoint's size */
  fromSize: number;
  proof: readonly Uint8Array[];
}

export interface ExportHeaderInput {
  /** signed checkpoint whose tree size is the end of the range (`to`) */
  checkpoint: string;
  /** first leaf index in the export (default 0) */
  from?: number;
  /** compact range of [0, from): required when from > 0 (MerkleAccumulator.frontier(), fetchFrontier) */
  prefix?: readonly Uint8Array[];
  /** consistency proofs from earlier sizes (typically the sizes auditors hold) to `to` */
  consistency?: readonly ExportConsistencyProof[];
  /** name of the signing key; defaults to the first signature line's key name */
  keyName?: string;
}

export interface ExportInput extends ExportHeaderInput {
  /** exactly the leaves [from, to), in order */
  leaves: Iterable<AuditLeaf>;
  /** signed checkpoints; those with from <= size < to are interleaved after the leaf completing them */
  checkpoints?: Iterable<string>;
}

export interface ExportHeader {
  format: string;
  origin: string;
  from: number;
  to: number;
  keyName: string;
  checkpoint: string;
  prefix: string[];
  consistency?: Array<{ fromSize: number; proof: string[] }>;
}

/** The header line (without newline). Does not verify the checkpoint's signature. */
export function exportHeaderLine(input: ExportHeaderInput): string {
  const cp = parseCheckpoint(input.checkpoint);
  const from = input.from ?? 0;
  if (!Number.isSafeInteger(from) || from < 0 || from > cp.treeSize) {
    throw new RangeError(`from=${from} must be between 0 and the checkpoint size ${cp.treeSize}`);
  }
  const prefix = (input.prefix ?? []).map((h) => Buffer.from(h).toString('hex'));
  const want = rangeNodes(0, from).length;
  if (prefix.length !== want || !prefix.every(isHashHex)) {
    throw new RangeError(`an export from ${from} needs the ${want} compact-range hashes of [0, ${from})`);
  }
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    origin: cp.origin,
    from,
    to: cp.treeSize,
    keyName: input.keyName ?? cp.signatures[0].keyName,
    checkpoint: input.checkpoint,
    prefix,
  };
  if (input.consistency && input.consistency.length > 0) {
    header.consistency = input.consistency.map((c) => {
      if (!Number.isSafeInteger(c.fromSize) || c.fromSize < 0 || c.fromSize > cp.treeSize) {
        throw new RangeError(`consistency proof from ${c.fromSize} is not below the checkpoint size`);
      }
      return { fromSize: c.fromSize, proof: c.proof.map((h) => Buffer.from(h).toString('hex')) };
    });
  }
  return canonicalJson(header);
}

/**
 * One leaf line (without newline): `{"h":<leaf hash hex>,"i":<index>,"leaf":<canonical leaf>}`.
 *
 * Pass the leaf hash the log *stored* when it appended the leaf (`audit_leaf.leaf_hash`) as
 * `storedLeafHash`: then an entry edited in the database after the fact shows up in the export as
 * a leaf-hash mismatch at exactly its index. Without it the hash is recomputed from the leaf.
 */
export function exportLeafLine(leaf: AuditLeaf, storedLeafHash?: Uint8Array | string): string {
  const bytes = encodeLeaf(leaf);
  let h: string;
  if (storedLeafHash === undefined) h = hashLeaf(bytes).toString('hex');
  else if (typeof storedLeafHash === 'string') h = storedLeafHash;
  else h = Buffer.from(storedLeafHash).toString('hex');
  if (!isHashHex(h)) throw new TypeError('stored leaf hash must be 32 bytes / 64 lowercase hex digits');
  return `{"h":"${h}","i":${leaf.seq},"leaf":${bytes.toString('utf8')}}`;
}

/** An interleaved checkpoint line (without newline). */
export function exportCheckpointLine(checkpoint: string): string {
  parseCheckpoint(checkpoint);
  return canonicalJson({ checkpoint });
}

/** Builds a whole export in memory as JSON Lines text (every line newline-terminated). */
export function buildExport(input: ExportInput): string {
  const header = exportHeaderLine(input);
  const { from, to } = JSON.parse(header) as ExportHeader;
  const extra = new Map<number, string>();
  for (const text of input.checkpoints ?? []) {
    const size = parseCheckpoint(text).treeSize;
    if (size >= from && size < to && !extra.has(size)) extra.set(size, text);
  }
  const out: string[] = [header];
  let next = from;
  const flush = (): void => {
    const cp = extra.get(next);
    if (cp !== undefined) out.push(exportCheckpointLine(cp));
  };
  flush();
  for (const leaf of input.leaves) {
    if (leaf.seq !== next) throw new RangeError(`expected leaf ${next}, got seq ${leaf.seq}`);
    if (next >= to) throw new RangeError(`leaf ${next} is beyond the checkpoint size ${to}`);
    out.push(exportLeafLine(leaf));
    next++;
    if (next < to) flush();
  }
  if (next !== to) throw new RangeError(`export needs leaves [${from}, ${to}), got up to ${next}`);
  return `${out.join('\n')}\n`;
}

// ---- verification ---------------------------------------------------------------------------

export type ExportFailureKind =
  /** header missing, malformed, or its checkpoint fails to verify with the trusted key */
  | 'header'
  /** a line is not valid canonical JSON of the expected shape, or a checkpoint line is bad */
  | 'line'
  /** a leaf line is missing, duplicated or out of order */
  | 'sequence'
  /** the leaf does not hash to the hash on its line */
  | 'leaf-hash'
  /** the export ends before the checkpoint size */
  | 'truncated'
  /** leaf lines beyond the checkpoint size */
  | 'extra'
  /** the leaves do not reproduce a root the log signed (edited and re-hashed lines, or a bad prefix) */
  | 'root-mismatch'
  /** the log signed a history that disagrees with a checkpoint you trusted earlier (split view / rewrite) */
  | 'fork'
  /** the export cannot answer the question asked (e.g. no consistency proof for a saved checkpoint) */
  | 'unverifiable';

export interface ExportVerification {
  ok: boolean;
  /** the following three come only from the verified checkpoint */
  origin?: string;
  treeSize?: number;
  rootHash?: string;
  from?: number;
  /** the header checkpoint's text, once its signature verified (save it to check the next export) */
  checkpoint?: string;
  /** leaf lines that passed the per-line checks */
  leavesChecked: number;
  /** signed checkpoints (export's own and trusted ones) confirmed against the replayed tree */
  checkpointsChecked: number;
  /** sizes of the trusted (earlier) checkpoints the export was shown consistent with */
  consistentWith: number[];
  kind?: ExportFailureKind;
  /**
   * The first leaf index that does not verify. Exact when the damage is visible on a line
   * (`line`, `sequence`, `leaf-hash`, `truncated`, `extra`); otherwise the first index not
   * covered by a matching signed checkpoint, and `suspectRange` bounds where the change is.
   */
  firstBadLeafIndex?: number;
  /** half-open range [lo, hi) known to contain the first bad leaf */
  suspectRange?: [number, number];
  error?: string;
}

export interface VerifyExportOptions {
  /** the log's public key: VerifierKey, `<name>+<id>+<key>` text, SPKI PEM or KeyObject */
  publicKey: VerifierKey | KeyObject | string;
  /** required for PEM / KeyObject keys unless the header's keyName is to be used */
  keyName?: string;
  /** checkpoint(s) saved earlier (by you, another agency or a witness) to check consistency with */
  earlierCheckpoint?: string | readonly string[];
}

/**
 * The trusted key: a VerifierKey, or text / KeyObject. A PEM or KeyObject has no name; then
 * `keyName` (or else the header's keyName) names it. The key material is what is trusted: a
 * signature still has to verify with it.
 */
function resolveVerifierKey(publicKey: VerifierKey | KeyObject | string, keyName: string | undefined, headerKeyName: unknown): VerifierKey {
  const fallback = typeof headerKeyName === 'string' ? headerKeyName : undefined;
  if (publicKey instanceof KeyObject) {
    const name = keyName ?? fallback;
    if (name === undefined) throw new Error('no key name');
    if (publicKey.type !== 'public' || publicKey.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 public key');
    return { name, keyId: computeKeyId(name, publicKey), publicKey };
  }
  if (typeof publicKey === 'string') {
    const pem = publicKey.trim().startsWith('-----BEGIN');
    return parseVerifierKey(publicKey, keyName ?? (pem ? fallback : undefined));
  }
  if (keyName !== undefined && keyName !== publicKey.name) throw new Error(`key is named "${publicKey.name}", expected "${keyName}"`);
  return publicKey;
}

type Line = { text: string; error?: undefined; truncated?: undefined } | { text?: undefined; error: string; truncated?: boolean };

function* splitInput(input: string | Uint8Array | Iterable<string>): Generator<Line> {
  if (typeof input === 'string') {
    if (input.length === 0) return;
    const parts = input.split('\n');
    const last = parts.pop() as string;
    for (const p of parts) yield { text: p };
    if (last.length > 0) yield { error: 'last line is not newline-terminated (truncated file?)', truncated: true };
    return;
  }
  if (input instanceof Uint8Array) {
    const dec = new TextDecoder('utf-8', { fatal: true });
    let start = 0;
    for (;;) {
      const nl = input.indexOf(0x0a, start);
      if (nl < 0) {
        if (start < input.length) yield { error: 'last line is not newline-terminated (truncated file?)', truncated: true };
        return;
      }
      const bytes = input.subarray(start, nl);
      let text: string | undefined;
      try {
        text = dec.decode(bytes);
      } catch {
        text = undefined;
      }
      yield text === undefined ? { error: 'line is not valid UTF-8' } : { text };
      start = nl + 1;
    }
  }
  for (const l of input) {
    yield typeof l === 'string' && !l.includes('\n') ? { text: l } : { error: 'line contains a newline' };
  }
}

function parseCanonical(text: string): { value?: Record<string, unknown>; error?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'line is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'line is not a JSON object' };
  let canonical: string;
  try {
    canonical = canonicalJson(value);
  } catch (e) {
    return { error: `line is not plain JSON: ${(e as Error).message}` };
  }
  if (canonical !== text) return { error: 'line is not in canonical form (altered?)' };
  return { value: value as Record<string, unknown> };
}

function sameKeys(obj: Record<string, unknown>, keys: readonly string[]): boolean {
  const k = Object.keys(obj);
  return k.length === keys.length && keys.every((x) => Object.prototype.hasOwnProperty.call(obj, x));
}

interface Observation {
  size: number;
  trusted: boolean;
  match: boolean;
}

class Failure extends Error {
  constructor(readonly kind: ExportFailureKind, message: string, readonly index?: number) {
    super(message);
  }
}

/**
 * Verifies an export (see docs/audit.md §Verification). Checks the header checkpoint's signature
 * with the trusted key, replays every leaf into a Merkle accumulator (seeded from the header's
 * prefix), checks each line's index, canonical form and leaf hash, checks every signed
 * checkpoint (interleaved ones and the caller's earlier ones) against the replayed root at its
 * size, checks consistency proofs for earlier checkpoints below the range, and finally the root
 * at the checkpoint size. Never throws for bad input; the first problem is reported.
 */
export function verifyExport(input: string | Uint8Array | Iterable<string>, options: VerifyExportOptions): ExportVerification {
  const res: ExportVerification = { ok: false, leavesChecked: 0, checkpointsChecked: 0, consistentWith: [] };
  const observations: Observation[] = [];
  let from = 0;
  let to = 0;

  const localise = (): { lo: number; hi: number; fork: boolean } | undefined => {
    if (observations.every((o) => o.match)) return undefined;
    // The log's own signed statements agree with the replay but a trusted checkpoint does not:
    // the log signed two different histories (fork / split view). Its own checkpoints then prove
    // nothing, and the divergence may lie before the export's range.
    const fork = observations.every((o) => o.trusted || o.match);
    const usable = observations.filter((o) => o.trusted || !fork);
    const hi = Math.min(...usable.filter((o) => !o.match).map((o) => o.size));
    const matched = usable.filter((o) => o.match && o.size < hi).map((o) => o.size);
    let lo = matched.length ? Math.max(...matched) : 0;
    // Edited lines (not a fork): the leaves before the range are not in the export; the damage is
    // in the export's leaves or its prefix hashes.
    if (!fork && hi > from) lo = Math.max(lo, from);
    return { lo, hi, fork };
  };

  try {
    const lines = splitInput(input)[Symbol.iterator]();

    // ---- header
    const first = lines.next();
    if (first.done) throw new Failure('header', 'export is empty');
    if (first.value.error !== undefined) throw new Failure('header', `header: ${first.value.error}`);
    const parsed = parseCanonical(first.value.text);
    if (!parsed.value) throw new Failure('header', `header: ${parsed.error}`);
    const h = parsed.value;
    if (h.format !== EXPORT_FORMAT) throw new Failure('header', `unknown export format ${JSON.stringify(h.format)}`);
    const allowed = new Set(['format', 'origin', 'from', 'to', 'keyName', 'checkpoint', 'prefix', 'consistency']);
    if (Object.keys(h).some((k) => !allowed.has(k))) throw new Failure('header', 'header has unknown fields');
    if (typeof h.checkpoint !== 'string' || typeof h.origin !== 'string' || typeof h.keyName !== 'string') {
      throw new Failure('header', 'header needs checkpoint, origin and keyName strings');
    }
    let key: VerifierKey;
    try {
      key = resolveVerifierKey(options.publicKey, options.keyName, h.keyName);
    } catch (e) {
      throw new Failure('unverifiable', `public key: ${(e as Error).message}`);
    }
    if (h.keyName !== key.name) throw new Failure('header', `header names key "${h.keyName}", the trusted key is "${key.name}"`);
    let cp: Checkpoint;
    try {
      cp = verifyCheckpoint(h.checkpoint, key);
    } catch (e) {
      throw new Failure('header', `header checkpoint: ${(e as Error).message}`);
    }
    res.origin = cp.origin;
    res.checkpoint = cp.text;
    res.treeSize = cp.treeSize;
    res.rootHash = cp.rootHash.toString('hex');
    if (h.origin !== cp.origin) throw new Failure('header', 'header origin differs from the checkpoint origin');
    if (h.to !== cp.treeSize) throw new Failure('header', `header "to" (${String(h.to)}) differs from the checkpoint size ${cp.treeSize}`);
    if (typeof h.from !== 'number' || !Number.isSafeInteger(h.from) || h.from < 0 || h.from > cp.treeSize) {
      throw new Failure('header', 'header "from" must be an integer between 0 and the checkpoint size');
    }
    from = h.from;
    to = cp.treeSize;
    res.from = from;
    if (!Array.isArray(h.prefix) || !h.prefix.every(isHashHex) || h.prefix.length !== rangeNodes(0, from).length) {
      throw new Failure('header', `header prefix must hold the ${rangeNodes(0, from).length} compact-range hashes of [0, ${from})`);
    }
    const proofs = new Map<number, Buffer[]>();
    if (h.consistency !== undefined) {
      if (!Array.isArray(h.consistency)) throw new Failure('header', 'header consistency must be an array');
      for (const c of h.consistency as unknown[]) {
        const ok = typeof c === 'object' && c !== null && sameKeys(c as Record<string, unknown>, ['fromSize', 'proof']);
        const cc = c as { fromSize: unknown; proof: unknown };
        if (!ok || typeof cc.fromSize !== 'number' || !Number.isSafeInteger(cc.fromSize) || !Array.isArray(cc.proof) || !cc.proof.every(isHashHex)) {
          throw new Failure('header', 'malformed consistency proof in header');
        }
        proofs.set(cc.fromSize, (cc.proof as string[]).map((x) => Buffer.from(x, 'hex')));
      }
    }

    // ---- trusted checkpoints
    const trustedTexts = options.earlierCheckpoint === undefined ? [] : typeof options.earlierCheckpoint === 'string' ? [options.earlierCheckpoint] : [...options.earlierCheckpoint];
    const trusted: Checkpoint[] = [];
    for (const t of trustedTexts) {
      let tc: Checkpoint;
      try {
        tc = verifyCheckpoint(t, key);
      } catch (e) {
        throw new Failure('unverifiable', `saved checkpoint: ${(e as Error).message}`);
      }
      if (tc.origin !== cp.origin) throw new Failure('unverifiable', `saved checkpoint is for log "${tc.origin}", export is for "${cp.origin}"`);
      if (tc.treeSize > to) {
        throw new Failure('unverifiable', `saved checkpoint (size ${tc.treeSize}) is newer than the export (size ${to}); get an export up to at least ${tc.treeSize}`);
      }
      trusted.push(tc);
    }
    trusted.sort((a, b) => a.treeSize - b.treeSize);
    // Below the range: only a consistency proof can connect them to the signed root.
    for (const tc of trusted.filter((t) => t.treeSize < from)) {
      if (tc.treeSize === 0) {
        // every tree extends the empty tree; its root must still be the empty-tree hash
        observations.push({ size: 0, trusted: true, match: hashEquals(tc.rootHash, EMPTY_ROOT) });
        res.checkpointsChecked++;
        continue;
      }
      const proof = proofs.get(tc.treeSize);
      if (!proof) {
        throw new Failure('unverifiable', `export starts at ${from} and carries no consistency proof from your checkpoint at size ${tc.treeSize}`);
      }
      const err = checkConsistency(tc.treeSize, to, tc.rootHash, cp.rootHash, proof);
      observations.push({ size: tc.treeSize, trusted: true, match: err === null });
      res.checkpointsChecked++;
    }
    const inRange = trusted.filter((t) => t.treeSize >= from);
    let nextTrusted = 0;

    // ---- replay
    const acc = MerkleAccumulator.fromFrontier(from, h.prefix.map((x: string) => Buffer.from(x, 'hex')));
    let e = from;
    const observeTrusted = (): void => {
      while (nextTrusted < inRange.length && inRange[nextTrusted].treeSize === e) {
        const match = hashEquals(acc.root(), inRange[nextTrusted].rootHash);
        observations.push({ size: e, trusted: true, match });
        res.checkpointsChecked++;
        nextTrusted++;
      }
    };
    observeTrusted();
    let lastLogSize = -1;
    // eslint-disable-next-line no-inner-declarations
    function lineError(kind: ExportFailureKind, msg: string): never {
      throw new Failure(kind, msg, e);
    }

    for (let r = lines.next(); !r.done; r = lines.next()) {
      const line = r.value;
      if (line.error !== undefined) lineError(e >= to ? 'extra' : line.truncated ? 'truncated' : 'line', `leaf ${e}: ${line.error}`);
      const text = line.text as string;
      if (text.length === 0) lineError(e < to ? 'line' : 'extra', `leaf ${e}: blank line`);
      const p = parseCanonical(text);
      if (!p.value) lineError(e < to ? 'line' : 'extra', `leaf ${e}: ${p.error}`);
      const v = p.value as Record<string, unknown>;

      if (sameKeys(v, ['checkpoint'])) {
        let lc: Checkpoint;
        try {
          lc = verifyCheckpoint(v.checkpoint as string, key);
        } catch (err) {
          lineError('line', `checkpoint line after leaf ${e - 1}: ${(err as Error).message}`);
        }
        if (lc.origin !== cp.origin) lineError('line', `checkpoint line after leaf ${e - 1} is for another log`);
        if (lc.treeSize !== e) {
          lineError('sequence', `checkpoint for size ${lc.treeSize} found where size ${e} was expected (lines missing or moved)`);
        }
        if (e >= to) lineError('extra', `checkpoint line after the last leaf`);
        if (lc.treeSize <= lastLogSize) lineError('line', `duplicate checkpoint line for size ${lc.treeSize}`);
        lastLogSize = lc.treeSize;
        observations.push({ size: e, trusted: false, match: hashEquals(acc.root(), lc.rootHash) });
        res.checkpointsChecked++;
        continue;
      }
      if (!sameKeys(v, ['h', 'i', 'leaf'])) lineError(e < to ? 'line' : 'extra', `leaf ${e}: line is neither a leaf nor a checkpoint`);
      if (typeof v.i !== 'number' || !Number.isSafeInteger(v.i)) lineError('line', `leaf ${e}: bad index`);
      if (e >= to) lineError('extra', `leaf line ${String(v.i)} beyond the checkpoint size ${to}`);
      if (v.i !== e) lineError('sequence', `expected leaf ${e}, found leaf ${String(v.i)} (lines deleted, inserted or reordered)`);
      if (!isHashHex(v.h)) lineError('line', `leaf ${e}: bad leaf hash field`);
      try {
        validateLeaf(v.leaf);
      } catch (err) {
        lineError('line', `leaf ${e}: ${err instanceof AuditLeafError ? err.message : String(err)}`);
      }
      const leaf = v.leaf as AuditLeaf;
      if (leaf.seq !== e) lineError('sequence', `leaf ${e}: its seq field is ${leaf.seq}`);
      // The line is canonical and its keys are exactly h, i, leaf: the canonical leaf is the tail.
      const leafText = text.slice(text.indexOf(',"leaf":') + 8, -1);
      const lh = hashLeaf(Buffer.from(leafText, 'utf8'));
      if (lh.toString('hex') !== v.h) lineError('leaf-hash', `leaf ${e}: content does not match its leaf hash (altered)`);
      acc.append(lh);
      e++;
      res.leavesChecked++;
      observeTrusted();
    }
    if (e < to) lineError('truncated', `export ends after leaf ${e - 1}; the checkpoint covers ${to} leaves (truncated)`);

    // ---- final root against the header checkpoint
    observations.push({ size: to, trusted: false, match: hashEquals(acc.root(), cp.rootHash) });
    res.checkpointsChecked++;
    if (to === 0 && !hashEquals(cp.rootHash, EMPTY_ROOT)) throw new Failure('root-mismatch', 'checkpoint of size 0 has a non-empty root');
    const loc = localise();
    if (loc) {
      res.kind = loc.fork ? 'fork' : 'root-mismatch';
      res.firstBadLeafIndex = loc.lo;
      res.suspectRange = [loc.lo, loc.hi];
      res.error = loc.fork
        ? `fork: the log signed a tree that disagrees with your checkpoint at size ${loc.hi}; the first differing leaf is in [${loc.lo}, ${loc.hi})`
        : `leaves do not reproduce the signed root at size ${loc.hi}: content was altered in [${loc.lo}, ${loc.hi})${loc.lo === from && from > 0 ? ' (or the prefix hashes)' : ''}`;
      return res;
    }
    res.consistentWith = trusted.map((t) => t.treeSize);
    res.ok = true;
    return res;
  } catch (err) {
    if (!(err instanceof Failure)) {
      res.kind = 'line';
      res.error = `verifier error: ${err instanceof Error ? err.message : String(err)}`;
      return res;
    }
    // A root observation that already failed before this line error bounds the damage earlier.
    const loc = err.index !== undefined ? localise() : undefined;
    if (loc && loc.hi <= err.index!) {
      res.kind = loc.fork ? 'fork' : 'root-mismatch';
      res.firstBadLeafIndex = loc.lo;
      res.suspectRange = [loc.lo, loc.hi];
      res.error = `leaves do not reproduce a signed root at size ${loc.hi}; the first altered leaf is in [${loc.lo}, ${loc.hi})`;
      return res;
    }
    res.kind = err.kind;
    res.error = err.message;
    if (err.index !== undefined) {
      res.firstBadLeafIndex = err.index;
      res.suspectRange = [err.index, err.index + 1];
    }
    return res;
  }
}

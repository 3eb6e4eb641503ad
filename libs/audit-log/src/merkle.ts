/**
 * RFC 9162 (RFC 6962) Merkle tree hashing, proofs and proof verification.
 *
 * Sizes and indices are JavaScript numbers restricted to safe integers (< 2^53); all bit
 * arithmetic is done with division rather than 32-bit operators so trees larger than 2^32
 * leaves work.
 */
import { EMPTY_ROOT, HASH_SIZE, hashChildren, hashEquals } from './hash';

/**
 * A perfect (complete, aligned) subtree: `level` 0 is a leaf hash, level h covers the 2^h leaves
 * `[index * 2^h, (index + 1) * 2^h)`. Perfect subtrees never change once their last leaf is
 * appended, so they are what a store persists.
 */
export interface NodeId {
  level: number;
  index: number;
}

/** A node together with its hash, as produced by {@link MerkleAccumulator.append}. */
export interface MerkleNode extends NodeId {
  hash: Buffer;
}

/**
 * Which stored nodes a proof needs. Proof element `i` is the right-fold of
 * `elements[i]` (a single node in most cases; several for the right edge of an
 * unbalanced tree): h = last; for each earlier node x, h = hashChildren(x, h).
 * `nodes` lists every distinct node once, in a stable order, for one batched fetch.
 */
export interface ProofPlan {
  elements: NodeId[][];
  nodes: NodeId[];
}

/** Thrown by the proof builders for impossible requests (index >= size, m > n, ...). */
export class MerkleError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'MerkleError';
  }
}

// ---- integer helpers (safe for values up to 2^53) ---------------------------------------------

function isSize(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function pow2(level: number): number {
  return 2 ** level;
}

/** Largest power of two strictly below n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function bitLength(x: number): number {
  let n = 0;
  while (x > 0) {
    x = Math.floor(x / 2);
    n++;
  }
  return n;
}

function popCount(x: number): number {
  let n = 0;
  while (x > 0) {
    n += x % 2;
    x = Math.floor(x / 2);
  }
  return n;
}

function trailingZeros(x: number): number {
  let n = 0;
  while (x > 0 && x % 2 === 0) {
    x /= 2;
    n++;
  }
  return n;
}

function xor(a: number, b: number): number {
  return Number(BigInt(a) ^ BigInt(b));
}

function isPowerOfTwo(x: number): boolean {
  return x > 0 && popCount(x) === 1;
}

/**
 * The perfect subtrees that make up the range `[begin, end)` of an RFC 9162 tree, left to right,
 * largest first. Valid for `[0, n)` and every range the MTH recursion produces (begin is always a
 * multiple of the largest power of two in the range size). The MTH of the range is the right-fold
 * of their hashes.
 */
export function rangeNodes(begin: number, end: number): NodeId[] {
  if (!isSize(begin) || !isSize(end) || begin > end) throw new MerkleError(`bad range [${begin}, ${end})`);
  const out: NodeId[] = [];
  let pos = begin;
  for (let level = bitLength(end - begin); level >= 0; level--) {
    const w = pow2(level);
    if (end - pos >= w) {
      if (pos % w !== 0) throw new MerkleError(`range [${begin}, ${end}) is not decomposable into aligned subtrees`);
      out.push({ level, index: pos / w });
      pos += w;
    }
  }
  return out;
}

/** Right-fold of hashes: the MTH of consecutive perfect subtrees given largest first. */
export function foldRight(hashes: readonly Uint8Array[]): Buffer {
  if (hashes.length === 0) return EMPTY_ROOT;
  let h: Buffer = Buffer.from(hashes[hashes.length - 1]);
  for (let i = hashes.length - 2; i >= 0; i--) h = hashChildren(hashes[i], h);
  return h;
}

function plan(elements: NodeId[][]): ProofPlan {
  const seen = new Set<string>();
  const nodes: NodeId[] = [];
  for (const el of elements) {
    for (const id of el) {
      const key = `${id.level}/${id.index}`;
      if (!seen.has(key)) {
        seen.add(key);
        nodes.push(id);
      }
    }
  }
  return { elements, nodes };
}

/** The nodes needed for the inclusion proof of leaf `index` in the tree of size `treeSize` (RFC 9162 §2.1.3.1). */
export function inclusionProofPlan(index: number, treeSize: number): ProofPlan {
  if (!isSize(index) || !isSize(treeSize) || index >= treeSize) {
    throw new MerkleError(`no inclusion proof for index ${index} in a tree of size ${treeSize}`);
  }
  const siblings: NodeId[][] = [];
  let begin = 0;
  let end = treeSize;
  while (end - begin > 1) {
    const k = splitPoint(end - begin);
    if (index < begin + k) {
      siblings.push(rangeNodes(begin + k, end));
      end = begin + k;
    } else {
      siblings.push(rangeNodes(begin, begin + k));
      begin += k;
    }
  }
  return plan(siblings.reverse());
}

/** The nodes needed for the consistency proof from size `m` to size `n` (RFC 9162 §2.1.4.1). Empty for m = 0 or m = n. */
export function consistencyProofPlan(m: number, n: number): ProofPlan {
  if (!isSize(m) || !isSize(n) || m > n) throw new MerkleError(`no consistency proof from size ${m} to size ${n}`);
  if (m === 0 || m === n) return plan([]);
  const siblings: NodeId[][] = [];
  let begin = 0;
  let end = n;
  let complete = true; // the RFC's `b`: the current subtree is a full prefix of the old tree's root
  let head: NodeId[] | undefined;
  for (;;) {
    if (m === end) {
      if (!complete) head = rangeNodes(begin, end);
      break;
    }
    const k = splitPoint(end - begin);
    if (m <= begin + k) {
      siblings.push(rangeNodes(begin + k, end));
      end = begin + k;
    } else {
      siblings.push(rangeNodes(begin, begin + k));
      begin += k;
      complete = false;
    }
  }
  siblings.reverse();
  return plan(head ? [head, ...siblings] : siblings);
}

/** Turns fetched node hashes (in `plan.nodes` order) into the proof. */
export function assembleProof(proofPlan: ProofPlan, nodeHashes: readonly Uint8Array[]): Buffer[] {
  if (nodeHashes.length !== proofPlan.nodes.length) {
    throw new MerkleError(`expected ${proofPlan.nodes.length} node hashes, got ${nodeHashes.length}`);
  }
  const byKey = new Map<string, Uint8Array>();
  proofPlan.nodes.forEach((id, i) => byKey.set(`${id.level}/${id.index}`, nodeHashes[i]));
  return proofPlan.elements.map((el) => foldRight(el.map((id) => byKey.get(`${id.level}/${id.index}`) as Uint8Array)));
}

// ---- whole-list computations (the leaf hashes are all in memory) ------------------------------

/** Hash of a perfect subtree computed directly from the leaf hashes. */
function nodeFromLeaves(leafHashes: readonly Uint8Array[], id: NodeId): Buffer {
  let level: Buffer[] = [];
  const start = id.index * pow2(id.level);
  for (let i = 0; i < pow2(id.level); i++) level.push(Buffer.from(leafHashes[start + i]));
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(hashChildren(level[i], level[i + 1]));
    level = next;
  }
  return level[0];
}

function checkLeafHashes(leafHashes: readonly Uint8Array[], treeSize: number): void {
  if (!isSize(treeSize) || treeSize > leafHashes.length) {
    throw new MerkleError(`tree size ${treeSize} exceeds the ${leafHashes.length} leaf hashes given`);
  }
  for (let i = 0; i < treeSize; i++) {
    if (!(leafHashes[i] instanceof Uint8Array) || leafHashes[i].length !== HASH_SIZE) {
      throw new MerkleError(`leaf hash ${i} is not ${HASH_SIZE} bytes`);
    }
  }
}

function proveFromLeaves(leafHashes: readonly Uint8Array[], p: ProofPlan): Buffer[] {
  return assembleProof(p, p.nodes.map((id) => nodeFromLeaves(leafHashes, id)));
}

/** MTH(D[0:treeSize]) of the given leaf hashes (all of them by default). O(n) time, O(log n) extra memory. */
export function merkleRoot(leafHashes: readonly Uint8Array[], treeSize: number = leafHashes.length): Buffer {
  checkLeafHashes(leafHashes, treeSize);
  // Stack of perfect subtree roots, as in a compact range.
  const stack: Buffer[] = [];
  for (let i = 0; i < treeSize; i++) {
    let h: Buffer = Buffer.from(leafHashes[i]);
    for (let n = i + 1; n % 2 === 0; n /= 2) h = hashChildren(stack.pop() as Buffer, h);
    stack.push(h);
  }
  return foldRight(stack);
}

/** RFC 9162 inclusion proof (audit path) for leaf `index` in the tree of the first `treeSize` leaf hashes. */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number, treeSize: number = leafHashes.length): Buffer[] {
  checkLeafHashes(leafHashes, treeSize);
  return proveFromLeaves(leafHashes, inclusionProofPlan(index, treeSize));
}

/** RFC 9162 consistency proof from size `m` to size `n` over the given leaf hashes. */
export function consistencyProof(leafHashes: readonly Uint8Array[], m: number, n: number = leafHashes.length): Buffer[] {
  checkLeafHashes(leafHashes, n);
  return proveFromLeaves(leafHashes, consistencyProofPlan(m, n));
}

// ---- verification ---------------------------------------------------------------------------

function validHashes(hs: readonly unknown[]): hs is Uint8Array[] {
  return hs.every((h) => h instanceof Uint8Array && h.length === HASH_SIZE);
}

/** Expected inclusion-proof length (transparency-dev/merkle `decompInclProof`). */
function inclusionProofLength(index: number, size: number): number {
  const inner = bitLength(xor(index, size - 1));
  return inner + popCount(Math.floor(index / pow2(inner)));
}

/**
 * Root implied by an inclusion proof (RFC 9162 §2.1.3.2), or an error string.
 * @internal used by verifyInclusion and the export verifier for precise messages
 */
export function rootFromInclusionProof(
  leafHash: Uint8Array, index: number, treeSize: number, proof: readonly Uint8Array[],
): Buffer | string {
  if (!isSize(index) || !isSize(treeSize)) return 'index and tree size must be non-negative safe integers';
  if (index >= treeSize) return `index ${index} is not below tree size ${treeSize}`;
  if (!Array.isArray(proof) || !validHashes([leafHash]) || !validHashes(proof)) return `hashes must be ${HASH_SIZE} bytes`;
  const want = inclusionProofLength(index, treeSize);
  if (proof.length !== want) return `inclusion proof has ${proof.length} hashes, expected ${want}`;
  let fn = index;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0) return 'inclusion proof is too long';
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return 'inclusion proof is too short';
  return r;
}

/** RFC 9162 §2.1.3.2: does `proof` show `leafHash` at `index` in the tree of size `treeSize` with root `root`? */
export function verifyInclusion(
  leafHash: Uint8Array, index: number, treeSize: number, proof: readonly Uint8Array[], root: Uint8Array,
): boolean {
  const r = rootFromInclusionProof(leafHash, index, treeSize, proof);
  return typeof r !== 'string' && validHashes([root]) && hashEquals(r, root);
}

/**
 * Checks a consistency proof (RFC 9162 §2.1.4.2); returns an error string or null when valid.
 * @internal
 */
export function checkConsistency(
  m: number, n: number, rootM: Uint8Array, rootN: Uint8Array, proof: readonly Uint8Array[],
): string | null {
  if (!isSize(m) || !isSize(n)) return 'sizes must be non-negative safe integers';
  if (!Array.isArray(proof) || !validHashes([rootM, rootN]) || !validHashes(proof)) return `hashes must be ${HASH_SIZE} bytes`;
  if (m > n) return `old size ${m} is larger than new size ${n}`;
  if (m === n) {
    if (proof.length !== 0) return 'sizes are equal but the proof is not empty';
    return hashEquals(rootM, rootN) ? null : `two different roots for the same size ${m}`;
  }
  if (m === 0) {
    if (proof.length !== 0) return 'a consistency proof from the empty tree must be empty';
    return hashEquals(rootM, EMPTY_ROOT) ? null : 'root of size 0 is not the empty-tree hash';
  }
  if (proof.length === 0) return 'empty consistency proof';
  const shift = trailingZeros(m);
  const inner = bitLength(xor(m - 1, n - 1));
  const border = popCount(Math.floor((m - 1) / pow2(inner)));
  const want = (isPowerOfTwo(m) ? 0 : 1) + inner - shift + border;
  if (proof.length !== want) return `consistency proof has ${proof.length} hashes, expected ${want}`;

  const path = isPowerOfTwo(m) ? [rootM, ...proof] : [...proof];
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Buffer = Buffer.from(path[0]);
  let sr: Buffer = Buffer.from(path[0]);
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if (sn === 0) return 'consistency proof is too long';
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return 'consistency proof is too short';
  if (!hashEquals(fr, rootM)) return `proof does not reproduce the root of size ${m}`;
  if (!hashEquals(sr, rootN)) return `proof does not reproduce the root of size ${n}`;
  return null;
}

/** RFC 9162 §2.1.4.2: is the tree of size `n` with root `rootN` an append-only extension of size `m` with root `rootM`? */
export function verifyConsistency(
  m: number, n: number, rootM: Uint8Array, rootN: Uint8Array, proof: readonly Uint8Array[],
): boolean {
  return checkConsistency(m, n, rootM, rootN, proof) === null;
}

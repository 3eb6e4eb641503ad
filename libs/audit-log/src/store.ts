import { MerkleAccumulator } from './accumulator';
import { assertHash } from './hash';
import {
  assembleProof, consistencyProofPlan, foldRight, inclusionProofPlan, MerkleError, NodeId, ProofPlan, rangeNodes,
} from './merkle';

/**
 * Read access to the perfect-subtree hashes of a log (see {@link NodeId}). The audit service
 * backs it with a table `audit_node(level, index, hash)` filled from
 * {@link MerkleAccumulator.append}'s return value; `getNodes` receives every id a proof needs at
 * once so it can be one `WHERE (level, index) IN (...)` query. Return hashes in request order and
 * throw if one is missing.
 */
export interface MerkleStore {
  getNodes(ids: readonly NodeId[]): readonly Uint8Array[] | Promise<readonly Uint8Array[]>;
}

async function fetchPlan(store: MerkleStore, proofPlan: ProofPlan): Promise<Buffer[]> {
  if (proofPlan.nodes.length === 0) return [];
  const hashes = await store.getNodes(proofPlan.nodes);
  if (hashes.length !== proofPlan.nodes.length) {
    throw new MerkleError(`store returned ${hashes.length} hashes for ${proofPlan.nodes.length} nodes`);
  }
  hashes.forEach((h) => assertHash(h, 'stored node hash'));
  return assembleProof(proofPlan, hashes);
}

/** Inclusion proof for leaf `index` at `treeSize`, from O(log n) stored nodes. */
export function fetchInclusionProof(store: MerkleStore, index: number, treeSize: number): Promise<Buffer[]> {
  return fetchPlan(store, inclusionProofPlan(index, treeSize));
}

/** Consistency proof from `m` to `n`, from O(log n) stored nodes. */
export function fetchConsistencyProof(store: MerkleStore, m: number, n: number): Promise<Buffer[]> {
  return fetchPlan(store, consistencyProofPlan(m, n));
}

/** Root of the tree at any past size `treeSize`, from at most 53 stored nodes. */
export async function fetchRoot(store: MerkleStore, treeSize: number): Promise<Buffer> {
  const ids = rangeNodes(0, treeSize);
  return foldRight(ids.length ? await store.getNodes(ids) : []);
}

/** Compact range at `treeSize` (the `prefix` an export starting at `treeSize` carries). */
export async function fetchFrontier(store: MerkleStore, treeSize: number): Promise<Buffer[]> {
  const ids = rangeNodes(0, treeSize);
  const hashes = ids.length ? await store.getNodes(ids) : [];
  return hashes.map((h) => Buffer.from(h));
}

/**
 * In-memory {@link MerkleStore}: keeps every perfect subtree (about 2n hashes) and answers the
 * same questions synchronously. For tests, tools and the offline verifier.
 */
export class MemoryMerkleStore implements MerkleStore {
  private readonly levels: Buffer[][] = [[]];
  private readonly acc = new MerkleAccumulator();

  get size(): number {
    return this.acc.size;
  }

  append(leafHash: Uint8Array): void {
    for (const node of this.acc.append(leafHash)) {
      (this.levels[node.level] ??= []).push(node.hash);
    }
  }

  appendAll(leafHashes: Iterable<Uint8Array>): void {
    for (const h of leafHashes) this.append(h);
  }

  getNode(id: NodeId): Buffer {
    const h = this.levels[id.level]?.[id.index];
    if (!h) throw new MerkleError(`node ${id.level}/${id.index} is not in the store`);
    return h;
  }

  getNodes(ids: readonly NodeId[]): Buffer[] {
    return ids.map((id) => this.getNode(id));
  }

  /** Root at the current size (O(log n) from the accumulator) or at any earlier size. */
  root(treeSize: number = this.size): Buffer {
    this.checkSize(treeSize);
    return treeSize === this.size ? this.acc.root() : foldRight(this.getNodes(rangeNodes(0, treeSize)));
  }

  frontier(treeSize: number = this.size): Buffer[] {
    this.checkSize(treeSize);
    return this.getNodes(rangeNodes(0, treeSize));
  }

  leafHash(index: number): Buffer {
    return this.getNode({ level: 0, index });
  }

  inclusionProof(index: number, treeSize: number = this.size): Buffer[] {
    this.checkSize(treeSize);
    const p = inclusionProofPlan(index, treeSize);
    return assembleProof(p, this.getNodes(p.nodes));
  }

  consistencyProof(m: number, n: number = this.size): Buffer[] {
    this.checkSize(n);
    const p = consistencyProofPlan(m, n);
    return assembleProof(p, this.getNodes(p.nodes));
  }

  private checkSize(treeSize: number): void {
    if (!Number.isSafeInteger(treeSize) || treeSize < 0 || treeSize > this.size) {
      throw new MerkleError(`tree size ${treeSize} is not between 0 and ${this.size}`);
    }
  }
}

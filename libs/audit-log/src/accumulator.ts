import { assertHash, hashChildren } from './hash';
import { foldRight, MerkleError, MerkleNode, rangeNodes } from './merkle';

/** Serializable state of a {@link MerkleAccumulator}: the tree size and its compact range. */
export interface AccumulatorState {
  size: number;
  /** lowercase hex hashes of the perfect subtrees covering [0, size), largest (leftmost) first */
  frontier: string[];
}

/**
 * Incremental RFC 9162 tree over leaves [0, size): keeps only the compact range (one hash per set
 * bit of `size`, so at most 53), appends in amortised O(1) hashes and returns the root at the
 * current size in O(log n). This is what the sequencer keeps in memory and checkpoints from; it
 * never recomputes the tree from scratch.
 *
 * `append` reports every perfect subtree it completes, so a caller can persist them
 * (`audit_node(level, index, hash)`) and later serve proofs from a {@link MerkleStore}.
 */
export class MerkleAccumulator {
  private nodes: Buffer[] = [];
  private count = 0;

  /** Number of leaves appended so far (the tree size). */
  get size(): number {
    return this.count;
  }

  /**
   * Appends one leaf hash (already SHA-256(0x00 || leaf)). Returns the nodes completed by this
   * append: the leaf itself (level 0) and each parent that became complete.
   */
  append(leafHash: Uint8Array): MerkleNode[] {
    assertHash(leafHash, 'leaf hash');
    if (this.count >= Number.MAX_SAFE_INTEGER) throw new MerkleError('tree is full');
    const index = this.count;
    let h: Buffer = Buffer.from(leafHash);
    const created: MerkleNode[] = [{ level: 0, index, hash: h }];
    let level = 0;
    let n = index + 1;
    while (n % 2 === 0) {
      h = hashChildren(this.nodes.pop() as Buffer, h);
      level++;
      n /= 2;
      created.push({ level, index: (index + 1) / 2 ** level - 1, hash: h });
    }
    this.nodes.push(h);
    this.count++;
    return created;
  }

  /** Appends many leaf hashes; returns nothing (use `append` to capture completed nodes). */
  appendAll(leafHashes: Iterable<Uint8Array>): void {
    for (const h of leafHashes) this.append(h);
  }

  /** MTH of the leaves appended so far (the empty-tree hash when none). */
  root(): Buffer {
    return foldRight(this.nodes);
  }

  /** The compact range: hashes of the perfect subtrees covering [0, size), leftmost first. */
  frontier(): Buffer[] {
    return this.nodes.map((h) => Buffer.from(h));
  }

  /** Snapshot to persist alongside a checkpoint. */
  toState(): AccumulatorState {
    return { size: this.count, frontier: this.nodes.map((h) => h.toString('hex')) };
  }

  clone(): MerkleAccumulator {
    return MerkleAccumulator.fromFrontier(this.count, this.nodes);
  }

  /**
   * Restores an accumulator at `size` from its compact range (e.g. the hashes of
   * `rangeNodes(0, size)` read from a store, or a saved {@link AccumulatorState}).
   */
  static fromFrontier(size: number, frontier: readonly Uint8Array[]): MerkleAccumulator {
    if (!Number.isSafeInteger(size) || size < 0) throw new MerkleError(`bad size ${size}`);
    const want = rangeNodes(0, size).length;
    if (frontier.length !== want) throw new MerkleError(`a tree of size ${size} needs ${want} frontier hashes, got ${frontier.length}`);
    frontier.forEach((h) => assertHash(h, 'frontier hash'));
    const acc = new MerkleAccumulator();
    acc.nodes = frontier.map((h) => Buffer.from(h));
    acc.count = size;
    return acc;
  }

  static fromState(state: AccumulatorState): MerkleAccumulator {
    return MerkleAccumulator.fromFrontier(
      state.size,
      state.frontier.map((h) => {
        if (!/^[0-9a-f]{64}$/.test(h)) throw new MerkleError('frontier hash must be 64 lowercase hex digits');
        return Buffer.from(h, 'hex');
      }),
    );
  }
}

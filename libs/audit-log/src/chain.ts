import { hashFromHex, sha256Concat } from './hash';

/** The `prevHash` of the first link of a hash chain: 64 zeros. */
export const CHAIN_GENESIS = '0'.repeat(64);

/**
 * One link of a hash chain: SHA-256(prev || leafBytes) as lowercase hex, where `prev` is the
 * 32 bytes of `prevHashHex` ({@link CHAIN_GENESIS} for the first link) and `leafBytes` is
 * usually `encodeLeaf(leaf)`.
 *
 * A chain is the simple "history of one subject" view: the tip commits to every earlier entry
 * in order, but proving one entry or an append-only extension costs O(n), and it detects edits
 * only against a trusted tip. The Merkle log + signed checkpoints is the authoritative record.
 */
export function chainHash(prevHashHex: string, leafBytes: Uint8Array): string {
  return sha256Concat([hashFromHex(prevHashHex, 'previous chain hash'), leafBytes]).toString('hex');
}

/** Folds {@link chainHash} over `leaves` starting from `startHex` (genesis by default); returns the tip. */
export function chainTip(leaves: Iterable<Uint8Array>, startHex: string = CHAIN_GENESIS): string {
  let h = startHex;
  hashFromHex(h, 'chain start');
  for (const leaf of leaves) h = chainHash(h, leaf);
  return h;
}

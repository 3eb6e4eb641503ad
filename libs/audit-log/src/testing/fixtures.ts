/** Test helpers shared by the specs and the benchmark (not part of the public API). */
import type { AuditLeaf } from '../leaf';

/** Small seeded PRNG (mulberry32): returns floats in [0, 1). */
export function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES = ['child.registered', 'match.proposed', 'proposal.decided', 'case.status-changed', 'record.viewed'] as const;

function hex64(n: number, salt: string): string {
  let s = '';
  let x = (n * 2654435761 + salt.length * 97) >>> 0;
  while (s.length < 64) {
    x = (Math.imul(x ^ (x >>> 13), 0x5bd1e995) + 0x9e3779b9) >>> 0;
    s += x.toString(16).padStart(8, '0');
  }
  return s.slice(0, 64);
}

/** A deterministic, realistic-looking leaf for index `seq` (variant changes the content, for forks). */
export function sampleLeaf(seq: number, variant = ''): AuditLeaf {
  const t = new Date(Date.UTC(2025, 0, 1) + seq * 1000).toISOString();
  const leaf: AuditLeaf = {
    seq,
    eventId: `00000000-0000-4000-8000-${(seq + 1).toString(16).padStart(12, '0')}`,
    eventType: TYPES[seq % TYPES.length],
    occurredAt: t,
    recordedAt: t,
    actor: seq % 5 === 0 ? null : { id: `user-${seq % 17}`, role: 'coordinator', agencyId: `agency-${seq % 3}` },
    subjects: [{ type: 'child', id: `child-${seq % 101}` }],
    payloadHash: hex64(seq, variant),
  };
  if (seq % 3 === 0) leaf.agencyId = `agency-${seq % 3}`;
  if (seq % 4 === 1) {
    leaf.fromState = 'proposed';
    leaf.toState = 'confirmed';
    leaf.reasonCode = 'documents-match';
  }
  if (seq % 2 === 0) leaf.correlationId = `corr-${Math.floor(seq / 2)}`;
  if (variant) leaf.reasonCode = `forked-${variant}`;
  return leaf;
}

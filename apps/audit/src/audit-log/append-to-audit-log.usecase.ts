import { Injectable } from '@nestjs/common';
import { AuditLeaf, chainHash, encodeLeaf, hashLeaf, MerkleAccumulator } from '@kinlink/audit-log';
import { KinlinkEvent, newEvent, systemActor } from '@kinlink/contracts';
import { UnitOfWork } from '@kinlink/kafka';
import { AuditClock } from './audit-clock';
import { Checkpointer } from './checkpointer';
import { LeafDraft } from './leaf-drafts';
import { HeadRow, lockHead } from './merkle-store';

export const AUDIT_CONSUMER = 'audit.log';
const HEAD_MEMO = 'audit.head';

/**
 * The single sequencer: locks the head row, gives the leaf the next index, extends the hash
 * chain and the Merkle tree (leaf hash and every subtree the leaf completes go to `audit.node`,
 * the new frontier to the head row) and stores the leaf — all in one transaction with the inbox
 * row, so concurrent partitions and redeliveries yield exactly one leaf per event in one
 * gap-free order. Every AUDIT_CHECKPOINT_EVERY leaves the same transaction signs a checkpoint.
 */
@Injectable()
export class AppendToAuditLog {
  constructor(private readonly uow: UnitOfWork, private readonly clock: AuditClock, private readonly checkpoints: Checkpointer) {}

  async execute(draft: LeafDraft): Promise<{ duplicate: boolean; seq?: number }> {
    const outcome = await this.uow.once(AUDIT_CONSUMER, draft.eventId, async (m) => {
      // in a slice the head row is locked and read once; later leaves continue from what the previous one wrote
      const memo = this.uow.sliceMemo();
      const head = (memo?.get(HEAD_MEMO) as HeadRow | undefined) ?? (await lockHead(m));
      const leaf: AuditLeaf = { ...draft, seq: head.size, recordedAt: this.clock.now().toISOString() };
      const bytes = encodeLeaf(leaf);
      const leafHash = hashLeaf(bytes);
      const hash = leafHash.toString('hex');
      const chain = chainHash(head.chainTip, bytes);
      const tree = MerkleAccumulator.fromState({ size: head.size, frontier: head.frontier });
      const nodes = tree.append(leafHash);
      // leaf, completed subtrees and head in one statement: the head lock is held for as few round trips as possible
      await m.query(
        `WITH leaf AS (
           INSERT INTO audit.leaf (seq, event_id, event_type, actor_id, subject_ids, occurred_at, leaf, leaf_hash, chain_hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)),
         node AS (
           INSERT INTO audit.node (level, idx, hash) SELECT l, i, decode(h, 'hex') FROM unnest($10::int[], $11::bigint[], $12::text[]) AS t(l, i, h))
         UPDATE audit.head SET size = $13, chain_tip = $9, frontier = $14 WHERE id = 1`,
        [leaf.seq, leaf.eventId, leaf.eventType, leaf.actor?.id ?? null, leaf.subjects.map((s) => s.id), leaf.occurredAt, leaf, hash, chain,
          nodes.map((n) => n.level), nodes.map((n) => String(n.index)), nodes.map((n) => n.hash.toString('hex')),
          tree.size, JSON.stringify(tree.toState().frontier)],
      );
      memo?.set(HEAD_MEMO, { size: tree.size, chainTip: chain, frontier: tree.toState().frontier });
      const events: KinlinkEvent[] = [newEvent('audit.appended', {
        correlationId: leaf.correlationId ?? leaf.eventId,
        actor: systemActor('audit'),
        subject: leaf.subjects[0] ?? { type: 'agency-event', id: leaf.eventId },
        payload: { seq: leaf.seq, leafHash: hash, leaf: { ...leaf, chainHash: chain } as unknown as Record<string, unknown> },
      }) as KinlinkEvent];
      if (this.checkpoints.dueAt(tree.size)) {
        const checkpoint = await this.checkpoints.cutLocked(m, tree.size, tree.root());
        if (checkpoint) events.push(checkpoint);
      }
      return { result: leaf.seq, events };
    });
    return { duplicate: outcome.duplicate, seq: outcome.result };
  }
}

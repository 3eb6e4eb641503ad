import { Injectable } from '@nestjs/common';
import { AuditLeaf, chainHash, encodeLeaf, leafHash } from '@kinlink/audit-log';
import { KinlinkEvent, newEvent, systemActor } from '@kinlink/contracts';
import { UnitOfWork } from '@kinlink/kafka';
import { AuditClock } from './audit-clock';
import { AuditHeadEntity, AuditLeafEntity } from './audit.entities';
import { LeafDraft } from './leaf-drafts';

export const AUDIT_CONSUMER = 'audit.log';

/**
 * The single sequencer: locks the head row, gives the leaf the next index, extends the hash
 * chain and stores the leaf — all in one transaction with the inbox row, so concurrent
 * partitions and redeliveries yield exactly one leaf per event in one gap-free order.
 */
@Injectable()
export class AppendToAuditLog {
  constructor(private readonly uow: UnitOfWork, private readonly clock: AuditClock) {}

  async execute(draft: LeafDraft): Promise<{ duplicate: boolean; seq?: number }> {
    const outcome = await this.uow.once(AUDIT_CONSUMER, draft.eventId, async (m) => {
      const head = await m.getRepository(AuditHeadEntity).findOneOrFail({ where: { id: 1 }, lock: { mode: 'pessimistic_write' } });
      const leaf: AuditLeaf = { ...draft, seq: head.size, recordedAt: this.clock.now().toISOString() };
      const bytes = encodeLeaf(leaf);
      const hash = leafHash(leaf).toString('hex');
      const chain = chainHash(head.chainTip, bytes);
      await m.getRepository(AuditLeafEntity).insert({
        seq: leaf.seq, eventId: leaf.eventId, eventType: leaf.eventType, actorId: leaf.actor?.id ?? null,
        subjectIds: leaf.subjects.map((s) => s.id), occurredAt: new Date(leaf.occurredAt), leaf, leafHash: hash, chainHash: chain,
      });
      await m.getRepository(AuditHeadEntity).update({ id: 1 }, { size: head.size + 1, chainTip: chain });
      const appended = newEvent('audit.appended', {
        correlationId: leaf.correlationId ?? leaf.eventId,
        actor: systemActor('audit'),
        subject: leaf.subjects[0] ?? { type: 'agency-event', id: leaf.eventId },
        payload: { seq: leaf.seq, leafHash: hash, leaf: { ...leaf, chainHash: chain } as unknown as Record<string, unknown> },
      });
      return { result: leaf.seq, events: [appended as KinlinkEvent] };
    });
    return { duplicate: outcome.duplicate, seq: outcome.result };
  }
}

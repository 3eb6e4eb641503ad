import { Injectable } from '@nestjs/common';
import { KinlinkEvent, MatchProposed } from '@kinlink/contracts';
import { UnitOfWork } from '@kinlink/kafka';
import { CASES_SYSTEM_ACTOR, decideOnProposal, newProposal, protectionReviewFor, ProtectionReview, refreshProposalFingerprint } from '../domain';
import { proposalDecidedEvent, protectionChangedEvent } from './case-events';
import { CaseworkRepository } from './casework.repository';
import { Clock } from './clock';
import { DecideProposal } from './decide-proposal.usecase';

export const CASES_MATCHES_CONSUMER = 'cases.matches';

/**
 * Puts a new proposal up for review. A pair proposed again (a record changed) re-opens a
 * rejected or withdrawn review only when its fingerprint changed — the rejection is remembered.
 */
@Injectable()
export class RecordProposal {
  constructor(private readonly uow: UnitOfWork, private readonly clock: Clock, private readonly decideProposal: DecideProposal) {}

  async execute(event: KinlinkEvent<'match.proposed' | 'match.withdrawn'>): Promise<void> {
    await this.uow.once(CASES_MATCHES_CONSUMER, event.eventId, async (m) => {
      const repo = new CaseworkRepository(m);
      const now = this.clock.now();
      const existing = await repo.proposalForUpdate(event.payload.proposalId);
      if (event.type === 'match.proposed') {
        const p = (event as KinlinkEvent<'match.proposed'>).payload;
        if (!existing) {
          const protection = protectionOf(p);
          await repo.saveProposal(newProposal({ proposalId: p.proposalId, kind: p.kind, left: p.left, right: p.right, fingerprint: p.fingerprint }, now), protection);
          const held = protection.status === 'pending' ? [protectionChangedEvent(p.proposalId, protection, event)] : [];
          const decided = await this.decideProposal.decidePending(m, p.proposalId);
          return { result: 'new', events: [...held, ...decided] };
        }
        const d = decideOnProposal(existing.state, { type: 'reopen', fingerprint: p.fingerprint, commandId: `reopen:${p.fingerprint}` }, CASES_SYSTEM_ACTOR, now);
        if (!d.ok || d.duplicate) {
          // still under review: remember the new fingerprint, so a later rejection remembers the right one
          const refreshed = refreshProposalFingerprint(existing.state, p.fingerprint, now);
          if (refreshed !== existing.state) await repo.saveProposal(refreshed);
          return { result: 'unchanged', events: [] };
        }
        await repo.saveProposal(d.next);
        return { result: 'reopened', events: [proposalDecidedEvent(d.event, event, [d.next.left, d.next.right])] };
      }
      if (!existing) return { result: 'unknown', events: [] };
      const w = (event as KinlinkEvent<'match.withdrawn'>).payload;
      const d = decideOnProposal(existing.state, { type: 'withdraw', reasonCode: w.reason, commandId: `withdraw:${event.eventId}` }, CASES_SYSTEM_ACTOR, now);
      if (!d.ok || d.duplicate) return { result: 'unchanged', events: [] };
      await repo.saveProposal(d.next);
      return { result: 'withdrawn', events: [proposalDecidedEvent(d.event, event, [d.next.left, d.next.right])] };
    });
  }
}

/** The child side at the highest safeguarding level decides whether the proposal is held. */
function protectionOf(p: MatchProposed): ProtectionReview {
  const rank = { none: 0, elevated: 1, high: 2 } as const;
  const children = [p.left, p.right].filter((s) => s.type === 'child');
  const top = children.sort((a, b) => rank[b.safeguardingLevel ?? 'none'] - rank[a.safeguardingLevel ?? 'none'])[0];
  return protectionReviewFor(top?.safeguardingLevel, top?.agencyId ?? null);
}

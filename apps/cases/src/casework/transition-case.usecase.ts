import { Injectable } from '@nestjs/common';
import { KinlinkEvent } from '@kinlink/contracts';
import { UnitOfWork } from '@kinlink/kafka';
import { Actor, CASES_SYSTEM_ACTOR, CaseCommand, CaseState, decideOnProposal, decideTransition, planSupersede } from '../domain';
import { caseStatusChangedEvent, commandRejectedEvent, proposalDecidedEvent } from './case-events';
import { CaseworkRepository } from './casework.repository';
import { Clock } from './clock';
import { CASES_COMMANDS_CONSUMER } from './decide-proposal.usecase';

/**
 * One workflow step of a case, checked by the domain rules. When a child is reunified, every
 * other open proposal and case for that child or that tracing request is superseded in the same
 * transaction.
 */
@Injectable()
export class TransitionCase {
  constructor(private readonly uow: UnitOfWork, private readonly clock: Clock) {}

  async execute(event: KinlinkEvent<'case.transition-requested'>): Promise<void> {
    const cmd = event.payload;
    await this.uow.once(CASES_COMMANDS_CONSUMER, event.eventId, async (m) => {
      const repo = new CaseworkRepository(m);
      const row = await repo.caseForUpdate(cmd.caseId);
      if (!row) return { result: 'missing', events: [commandRejectedEvent(cmd.commandId, { code: 'CASE_NOT_FOUND', rule: 'no such case', httpStatus: 409 }, event)] };
      const now = this.clock.now();
      const command = { ...cmd.command, commandId: cmd.commandId, correlationId: event.correlationId } as CaseCommand;
      const d = decideTransition(row.state, command, event.actor as Actor, now);
      if (!d.ok) return { result: 'refused', events: [commandRejectedEvent(cmd.commandId, d.error, event)] };
      if (d.duplicate) return { result: 'duplicate', events: [] };
      await repo.saveCase(d.next);
      const events = [caseStatusChangedEvent(d.event, event)];
      if (d.next.status === 'reunified') events.push(...(await this.supersedeOthers(repo, d.next, event, now)));
      return { result: 'moved', events };
    });
  }

  private async supersedeOthers(repo: CaseworkRepository, reunified: CaseState, cause: KinlinkEvent, now: string): Promise<KinlinkEvent[]> {
    const linked = await repo.linkedTo(reunified.childId, reunified.tracingRequestId);
    const plan = planSupersede(reunified, { cases: linked.cases, proposals: linked.proposals });
    const events: KinlinkEvent[] = [];
    for (const c of plan.cases) {
      const state = linked.cases.find((x) => x.caseId === c.caseId)!;
      const d = decideTransition(state, c.command, CASES_SYSTEM_ACTOR, now);
      if (!d.ok || d.duplicate) continue;
      await repo.saveCase(d.next);
      events.push(caseStatusChangedEvent(d.event, cause));
    }
    for (const p of plan.proposals) {
      const state = linked.proposals.find((x) => x.proposalId === p.proposalId)!;
      const d = decideOnProposal(state, p.decision, CASES_SYSTEM_ACTOR, now);
      if (!d.ok || d.duplicate) continue;
      await repo.saveProposal(d.next);
      events.push(proposalDecidedEvent(d.event, cause, [d.next.left, d.next.right]));
    }
    return events;
  }
}

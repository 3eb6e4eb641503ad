import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { KinlinkEvent } from '@kinlink/contracts';
import { UnitOfWork } from '@kinlink/kafka';
import { Actor, decideOnProposal, ProposalDecision } from '../domain';
import { caseOpenedEvent, commandRejectedEvent, proposalDecidedEvent } from './case-events';
import { CaseworkRepository } from './casework.repository';
import { Clock } from './clock';

export const CASES_COMMANDS_CONSUMER = 'cases.commands';

/** A coordinator's decision on a proposal; a confirmation opens the reunification case. */
@Injectable()
export class DecideProposal {
  constructor(private readonly uow: UnitOfWork, private readonly clock: Clock) {}

  async execute(event: KinlinkEvent<'proposal.decision-requested'>): Promise<void> {
    const cmd = event.payload;
    await this.uow.once(CASES_COMMANDS_CONSUMER, event.eventId, async (m) => {
      const repo = new CaseworkRepository(m);
      const row = await repo.proposalForUpdate(cmd.proposalId);
      if (!row) {
        return { result: 'missing', events: [commandRejectedEvent(cmd.commandId, { code: 'PROPOSAL_NOT_FOUND', rule: 'no such proposal', httpStatus: 409 }, event)] };
      }
      const decision = {
        type: cmd.decision, reasonCode: cmd.reasonCode, note: cmd.note, commandId: cmd.commandId, correlationId: event.correlationId,
        ...(cmd.decision === 'confirm' ? { caseId: randomUUID() } : {}),
      } as ProposalDecision;
      const d = decideOnProposal(row.state, decision, event.actor as Actor, this.clock.now());
      if (!d.ok) return { result: 'refused', events: [commandRejectedEvent(cmd.commandId, d.error, event)] };
      if (d.duplicate) return { result: 'duplicate', events: [] };
      await repo.saveProposal(d.next);
      const events = [proposalDecidedEvent(d.event, event, [d.next.left, d.next.right])];
      if (d.openCase) {
        await repo.saveCase(d.caseState);
        events.push(caseOpenedEvent(d.caseOpened, event));
      }
      return { result: 'decided', events };
    });
  }
}

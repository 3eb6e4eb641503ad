import { Injectable } from '@nestjs/common';
import { KinlinkEvent } from '@kinlink/contracts';
import { UnitOfWork } from '@kinlink/kafka';
import { caseworkBinding, caseworkSubjectOf, commandBinding, openCaseworkText, sealCaseworkText, SubjectCipher, SubjectErasedError } from '@kinlink/privacy';
import { Actor, CASES_SYSTEM_ACTOR, CaseCommand, CaseState, decideOnProposal, decideTransition, planSupersede, ProposalState, RuleViolation } from '../domain';
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
  constructor(private readonly uow: UnitOfWork, private readonly clock: Clock, private readonly cipher: SubjectCipher) {}

  async execute(event: KinlinkEvent<'case.transition-requested'>): Promise<void> {
    const cmd = event.payload;
    await this.uow.once(CASES_COMMANDS_CONSUMER, event.eventId, async (m) => {
      const repo = new CaseworkRepository(m);
      const row = await repo.caseForUpdate(cmd.caseId);
      if (!row) return { result: 'missing', events: [commandRejectedEvent(cmd.commandId, { code: 'CASE_NOT_FOUND', rule: 'no such case', httpStatus: 409 }, event)] };
      const now = this.clock.now();
      // the rules check the command's free text (present, length, 'other' needs a note): opened here, in memory only
      let text: typeof cmd.command;
      try {
        text = await openCaseworkText(this.cipher, row.state.childId, commandBinding(cmd.commandId), cmd.command, { erased: 'throw' });
      } catch (e) {
        if (e instanceof SubjectErasedError) return { result: 'erased', events: [commandRejectedEvent(cmd.commandId, CHILD_ERASED, event)] };
        throw e;
      }
      const command = { ...text, commandId: cmd.commandId, correlationId: event.correlationId } as CaseCommand;
      // the rules re-check recorded text too (an approval re-checks the submitted checklist's notes): the state is opened as well
      const state = await openCaseText(this.cipher, row.state, row.state);
      const d = decideTransition(state, command, event.actor as Actor, now);
      if (!d.ok) return { result: 'refused', events: [commandRejectedEvent(cmd.commandId, d.error, event)] };
      if (d.duplicate) return { result: 'duplicate', events: [] };
      let events: KinlinkEvent[];
      try {
        await repo.saveCase(await sealCaseText(this.cipher, d.next, d.next));
        events = [caseStatusChangedEvent(await sealCaseText(this.cipher, d.next, d.event), event)];
      } catch (e) {
        if (e instanceof SubjectErasedError) return { result: 'erased', events: [commandRejectedEvent(cmd.commandId, CHILD_ERASED, event)] };
        throw e;
      }
      if (d.next.status === 'reunified') events.push(...(await this.supersedeOthers(repo, d.next, event, now)));
      return { result: 'moved', events };
    });
  }

  private async supersedeOthers(repo: CaseworkRepository, reunified: CaseState, cause: KinlinkEvent, now: string): Promise<KinlinkEvent[]> {
    const linked = await repo.linkedTo(reunified.childId, reunified.tracingRequestId);
    const plan = planSupersede(reunified, { cases: linked.cases, proposals: linked.proposals });
    const events: KinlinkEvent[] = [];
    for (const c of plan.cases) {
      const stored = linked.cases.find((x) => x.caseId === c.caseId)!;
      const d = decideTransition(await openCaseText(this.cipher, stored, stored), c.command, CASES_SYSTEM_ACTOR, now);
      if (!d.ok || d.duplicate) continue;
      const sealed = await sealOrSkip(() => sealCaseText(this.cipher, d.next, d.next));
      if (!sealed) continue; // another, erased child's case: left as it is
      await repo.saveCase(sealed);
      events.push(caseStatusChangedEvent(await sealCaseText(this.cipher, d.next, d.event), cause));
    }
    for (const p of plan.proposals) {
      const stored = linked.proposals.find((x) => x.proposalId === p.proposalId)!;
      const d = decideOnProposal(await openProposalText(this.cipher, stored, stored), p.decision, CASES_SYSTEM_ACTOR, now);
      if (!d.ok || d.duplicate) continue;
      const sealed = await sealOrSkip(() => sealProposalText(this.cipher, d.next, d.next));
      if (!sealed) continue; // a proposal of an erased child: left as it is
      await repo.saveProposal(sealed);
      events.push(proposalDecidedEvent(await sealProposalText(this.cipher, d.next, d.event), cause, [d.next.left, d.next.right]));
    }
    return events;
  }
}

/** A command about a child whose key was destroyed: its free text cannot be opened or sealed any more. */
export const CHILD_ERASED: RuleViolation = { code: 'CHILD_ERASED', rule: "the case's child was erased: no more casework text can be recorded", httpStatus: 409 };

/** A case's free text (state or event) sealed under the child's key, bound to the case. */
export function sealCaseText<T>(cipher: SubjectCipher, c: Pick<CaseState, 'caseId' | 'childId'>, value: T): Promise<T> {
  return sealCaseworkText(cipher, c.childId, caseworkBinding('case', c.caseId), value);
}

/** A proposal's free text (state, decision event, protection review) sealed under its child side's key. */
export function sealProposalText<T>(cipher: SubjectCipher, p: Pick<ProposalState, 'proposalId' | 'left' | 'right'>, value: T): Promise<T> {
  return sealCaseworkText(cipher, caseworkSubjectOf(p.left, p.right), caseworkBinding('proposal', p.proposalId), value);
}

/** A stored case state's free text opened for the rules (in memory, inside the transaction). */
export function openCaseText<T>(cipher: SubjectCipher, c: Pick<CaseState, 'caseId' | 'childId'>, value: T): Promise<T> {
  return openCaseworkText(cipher, c.childId, caseworkBinding('case', c.caseId), value);
}

/** A stored proposal state's free text opened for the rules. */
export function openProposalText<T>(cipher: SubjectCipher, p: Pick<ProposalState, 'proposalId' | 'left' | 'right'>, value: T): Promise<T> {
  return openCaseworkText(cipher, caseworkSubjectOf(p.left, p.right), caseworkBinding('proposal', p.proposalId), value);
}

async function sealOrSkip<T>(seal: () => Promise<T>): Promise<T | undefined> {
  try {
    return await seal();
  } catch (e) {
    if (e instanceof SubjectErasedError) return undefined;
    throw e;
  }
}

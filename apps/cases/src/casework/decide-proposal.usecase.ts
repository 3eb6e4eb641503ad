import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { KinlinkEvent, ProposalDecisionRequested } from '@kinlink/contracts';
import { UnitOfWork } from '@kinlink/kafka';
import { caseworkSubjectOf, commandBinding, openCaseworkText, SubjectCipher, SubjectErasedError } from '@kinlink/privacy';
import { Actor, checkDecisionAllowed, checkRestrictions, decideOnProposal, ProposalDecision, ProposalState, releaseProtectionReview } from '../domain';
import { caseOpenedEvent, commandRejectedEvent, proposalDecidedEvent, protectionChangedEvent } from './case-events';
import { NameMatcher } from './name-matcher';
import { CaseworkRepository } from './casework.repository';
import { Clock } from './clock';
import { openFacts, restrictionFacts } from './record-safeguarding-facts.usecase';
import { CHILD_ERASED, openProposalText, sealCaseText, sealProposalText } from './transition-case.usecase';

export const CASES_COMMANDS_CONSUMER = 'cases.commands';

/** A coordinator's decision on a proposal; a confirmation opens the reunification case. */
@Injectable()
export class DecideProposal {
  constructor(private readonly uow: UnitOfWork, private readonly clock: Clock, private readonly names: NameMatcher, private readonly cipher: SubjectCipher) {}

  async execute(event: KinlinkEvent<'proposal.decision-requested'>): Promise<void> {
    await this.uow.once(CASES_COMMANDS_CONSUMER, event.eventId, (m) => this.decide(m, event));
  }

  /**
   * Decides inside the caller's transaction. A decision on a proposal this service has not read
   * yet (the admin API read `match.proposed` first, e.g. after a restart of this service) waits in
   * `pending_decision` and is decided when the proposal arrives — never refused for being early.
   */
  async decide(m: EntityManager, event: KinlinkEvent<'proposal.decision-requested'>): Promise<{ result: string; events: KinlinkEvent[] }> {
    try {
      return await this.decideOpened(m, event);
    } catch (e) {
      // the child side's key is gone: nothing about it can be recorded any more
      if (e instanceof SubjectErasedError) return { result: 'erased', events: [commandRejectedEvent(event.payload.commandId, CHILD_ERASED, event)] };
      throw e;
    }
  }

  private async decideOpened(m: EntityManager, event: KinlinkEvent<'proposal.decision-requested'>): Promise<{ result: string; events: KinlinkEvent[] }> {
    // the free text opened below; until then it may be sealed
    let cmd = event.payload as Omit<ProposalDecisionRequested, 'note' | 'overrideReason'> & { note?: string; overrideReason?: string };
    {
      const repo = new CaseworkRepository(m);
      const row = await repo.proposalForUpdate(cmd.proposalId);
      if (!row) {
        await m.query('INSERT INTO cases.pending_decision (proposal_id, command) VALUES ($1, $2)', [cmd.proposalId, event]);
        return { result: 'pending', events: [] };
      }
      // the rules check the note and the override reason (present, length): opened here, in memory only
      const text = await openCaseworkText(this.cipher, caseworkSubjectOf(row.state.left, row.state.right), commandBinding(cmd.commandId),
        { note: cmd.note, overrideReason: cmd.overrideReason }, { erased: 'throw' });
      cmd = { ...cmd, note: text.note as string | undefined, overrideReason: text.overrideReason as string | undefined };
      const now = this.clock.now();
      const actor = event.actor as Actor;
      if (cmd.decision === 'release_protection_review') {
        const released = releaseProtectionReview(row.protection, actor, cmd.note, now);
        if (!released.ok) return { result: 'refused', events: [commandRejectedEvent(cmd.commandId, released.error, event)] };
        await repo.saveProtection(cmd.proposalId, await sealProposalText(this.cipher, row.state, released.review));
        return { result: 'released', events: [protectionChangedEvent(cmd.proposalId, released.review, event, cmd.commandId)] };
      }
      const allowed = checkDecisionAllowed(row.protection, actor, cmd.decision);
      if (!allowed.ok) return { result: 'refused', events: [commandRejectedEvent(cmd.commandId, allowed.error, event)] };
      let safeguardingOverride: { rule: string; by: string; reason: string } | undefined;
      if (cmd.decision === 'confirm') {
        const restriction = await this.checkRestrictions(repo, row.state, actor, cmd.overrideReason);
        if (!restriction.ok) return { result: 'refused', events: [commandRejectedEvent(cmd.commandId, restriction.error, event)] };
        if (restriction.matched) safeguardingOverride = { rule: restriction.code, by: restriction.overriddenBy, reason: restriction.overrideReason };
      }
      const decision = {
        type: cmd.decision, reasonCode: cmd.reasonCode, commandId: cmd.commandId, correlationId: event.correlationId, note: cmd.note,
        ...(cmd.decision === 'confirm' ? { caseId: randomUUID(), ...(safeguardingOverride ? { safeguardingOverride } : {}) } : {}),
      } as ProposalDecision;
      const d = decideOnProposal(await openProposalText(this.cipher, row.state, row.state), decision, actor, now);
      if (!d.ok) return { result: 'refused', events: [commandRejectedEvent(cmd.commandId, d.error, event)] };
      if (d.duplicate) return { result: 'duplicate', events: [] };
      await repo.saveProposal(await sealProposalText(this.cipher, d.next, d.next));
      const events = [proposalDecidedEvent(await sealProposalText(this.cipher, d.next, d.event), event, [d.next.left, d.next.right])];
      if (d.openCase) {
        await repo.saveCase(await sealCaseText(this.cipher, d.caseState, d.caseState));
        events.push(caseOpenedEvent(d.caseOpened, event));
      }
      return { result: 'decided', events };
    }
  }

  /** Decisions that waited for this proposal, in arrival order; called when the proposal arrives. */
  async decidePending(m: EntityManager, proposalId: string): Promise<KinlinkEvent[]> {
    const waiting: Array<{ id: string; command: KinlinkEvent<'proposal.decision-requested'> }> =
      await m.query('SELECT id, command FROM cases.pending_decision WHERE proposal_id = $1 ORDER BY id FOR UPDATE', [proposalId]);
    if (waiting.length) await m.query('DELETE FROM cases.pending_decision WHERE proposal_id = $1', [proposalId]);
    const events: KinlinkEvent[] = [];
    for (const w of waiting.sort((a, b) => Number(a.id) - Number(b.id))) events.push(...(await this.decide(m, w.command)).events);
    return events;
  }

  /** The child's "do not disclose to" list against the tracing request's inquirer (names and claimed roles), with the name engine. */
  private async checkRestrictions(repo: CaseworkRepository, proposal: ProposalState, actor: Actor, overrideReason: string | undefined) {
    const child = [proposal.left, proposal.right].find((s) => s.type === 'child');
    const request = [proposal.left, proposal.right].find((s) => s.type === 'sought-child');
    if (!child || !request) return { ok: true as const, matched: false as const };
    const stored = await repo.safeguardingFacts([child.id, request.id]);
    const childFacts = stored.has(child.id) ? await openFacts(this.cipher, child.id, stored.get(child.id)!) : undefined;
    const requestFacts = stored.has(request.id) ? await openFacts(this.cipher, request.id, stored.get(request.id)!) : undefined;
    return checkRestrictions({ ...restrictionFacts(childFacts, requestFacts), actor, overrideReason, samePerson: this.names.samePerson });
  }
}

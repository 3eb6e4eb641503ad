import { EntityManager, In } from 'typeorm';
import type { CaseState, ProposalState, ProtectionReview } from '../domain';
import { ProposalEntity, RecordSafeguardingEntity, ReunificationCaseEntity, SafeguardingFacts, StoredSafeguardingFacts } from './casework.entities';

/** Persistence of proposals and cases inside the caller's transaction (row locks for the writer). */
export class CaseworkRepository {
  constructor(private readonly m: EntityManager) {}

  /**
   * The proposal, locked for this transaction — and the proposal id locked even while no row
   * exists, so a decision that arrives before its proposal (kept in pending_decision) and the
   * proposal itself, handled at the same time from two topics, take turns instead of each missing
   * the other's uncommitted row.
   */
  async proposalForUpdate(id: string): Promise<ProposalEntity | null> {
    await this.m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`cases.proposal:${id}`]);
    return this.m.getRepository(ProposalEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async saveProposal(state: ProposalState, protection?: ProtectionReview): Promise<void> {
    const sides = [state.left, state.right];
    await this.m.getRepository(ProposalEntity).upsert({
      id: state.proposalId, status: state.status, state, ...(protection ? { protection } : {}),
      childId: sides.find((s) => s.type === 'child')?.id ?? null,
      tracingRequestId: sides.find((s) => s.type === 'sought-child')?.id ?? null,
    }, ['id']);
  }

  async saveProtection(proposalId: string, protection: ProtectionReview): Promise<void> {
    await this.m.getRepository(ProposalEntity).update({ id: proposalId }, { protection });
  }

  /** Safeguarding facts by record id (records not seen yet are absent). */
  async safeguardingFacts(recordIds: string[]): Promise<Map<string, SafeguardingFacts | StoredSafeguardingFacts>> {
    const rows = await this.m.getRepository(RecordSafeguardingEntity).find({ where: { recordId: In(recordIds) } });
    return new Map(rows.map((r) => [r.recordId, r.facts]));
  }

  caseForUpdate(id: string): Promise<ReunificationCaseEntity | null> {
    return this.m.getRepository(ReunificationCaseEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async saveCase(state: CaseState): Promise<void> {
    await this.m.getRepository(ReunificationCaseEntity).upsert({
      id: state.caseId, proposalId: state.proposalId, childId: state.childId, tracingRequestId: state.tracingRequestId,
      status: state.status, version: state.version, state,
    }, ['id']);
  }

  /** Everything that could be superseded when this child or tracing request is reunified. */
  async linkedTo(childId: string, tracingRequestId: string): Promise<{ cases: CaseState[]; proposals: ProposalState[] }> {
    const cases = await this.m.getRepository(ReunificationCaseEntity).find({
      where: [{ childId }, { tracingRequestId }], lock: { mode: 'pessimistic_write' },
    });
    const proposals = await this.m.getRepository(ProposalEntity).find({
      where: [{ childId }, { tracingRequestId }], lock: { mode: 'pessimistic_write' },
    });
    return { cases: cases.map((c) => c.state), proposals: proposals.map((p) => p.state) };
  }
}

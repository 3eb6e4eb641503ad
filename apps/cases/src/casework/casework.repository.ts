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
    // two statements: the row read must take its snapshot after the advisory lock is held
    await this.m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`cases.proposal:${id}`]);
    // plain statements on the hot path (one proposal event each): TypeORM's query building was ≈ 20 % of cases' CPU
    const [row]: Array<{ id: string; status: string; child_id: string | null; tracing_request_id: string | null; state: ProposalState; protection: ProtectionReview; updated_at: Date }> =
      await this.m.query('SELECT id, status, child_id, tracing_request_id, state, protection, updated_at FROM cases.proposal WHERE id = $1 FOR UPDATE', [id]);
    return row ? {
      id: row.id, status: row.status, childId: row.child_id, tracingRequestId: row.tracing_request_id, state: row.state, protection: row.protection, updatedAt: row.updated_at,
    } : null;
  }

  async saveProposal(state: ProposalState, protection?: ProtectionReview): Promise<void> {
    const sides = [state.left, state.right];
    const params = [state.proposalId, state.status, JSON.stringify(state),
      sides.find((s) => s.type === 'child')?.id ?? null, sides.find((s) => s.type === 'sought-child')?.id ?? null];
    // without a protection review the stored one is kept (a new row gets the column's default)
    await this.m.query(protection
      ? `INSERT INTO cases.proposal (id, status, state, child_id, tracing_request_id, protection) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, state = EXCLUDED.state, child_id = EXCLUDED.child_id,
           tracing_request_id = EXCLUDED.tracing_request_id, protection = EXCLUDED.protection, updated_at = now()`
      : `INSERT INTO cases.proposal (id, status, state, child_id, tracing_request_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, state = EXCLUDED.state, child_id = EXCLUDED.child_id,
           tracing_request_id = EXCLUDED.tracing_request_id, updated_at = now()`,
    protection ? [...params, JSON.stringify(protection)] : params);
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

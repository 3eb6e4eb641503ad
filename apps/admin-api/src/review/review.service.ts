import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newEvent } from '@kinlink/contracts';
import { AuthUser, canSeeAgency, scopeFilter, scopeSql } from '../auth';
import { ApiError, notFound } from '../common/api.errors';
import { CommandBus, outcomeOrThrow } from '../common/command-bus';
import { decodeCursor, encodeCursor, pageSize } from '../common/pagination';
import { minimalChildView, minimalTracingRequestView } from '../common/record-fields';
import { childAgeYearsSql } from './child-age.sql';
import { DECISION_TARGET, DecideProposalDto, ListProposalsQuery } from './review.dto';

interface ProposalRow {
  id: string; kind: string; left_side: any; right_side: any; left_agency: string; right_agency: string; // eslint-disable-line @typescript-eslint/no-explicit-any
  probability: number; score: number; explanation: unknown[]; model_version: string; status: string;
  decision: unknown; case_id: string | null; created_at: Date; updated_at: Date;
}

interface RecordRow { id: string; kind: string; agency_id: string; data: Record<string, unknown>; status: string }

/** Match review: coordinators see proposals that involve a record of an agency in their scope. */
@Injectable()
export class ReviewService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly commands: CommandBus) {}

  async list(user: AuthUser, q: ListProposalsQuery) {
    if (q.ageMin !== undefined && q.ageMax !== undefined && q.ageMin > q.ageMax) throw new ApiError('invalid_request', 'ageMin must not be greater than ageMax');
    const params: unknown[] = [];
    const where: string[] = [];
    const scope = scopeFilter(user);
    const left = scopeSql(scope, { column: 'p.left_agency', paramIndex: params.length + 1 });
    if (left.params.length) params.push(...left.params);
    const right = scope.kind === 'all' ? { sql: 'TRUE' } : { sql: `p.right_agency = ANY($${params.length}::text[])` };
    where.push(`(${left.sql} OR ${right.sql})`);
    const add = (sql: string, v: unknown) => { params.push(v); where.push(sql.replaceAll('?', `$${params.length}`)); };
    if (q.status) add('p.status = ?', q.status);
    if (q.minProbability !== undefined) add('p.probability >= ?', q.minProbability);
    if (q.maxProbability !== undefined) add('p.probability <= ?', q.maxProbability);
    if (q.agency) add('(p.left_agency = ? OR p.right_agency = ?)', q.agency);
    if (q.createdSince) add('p.created_at >= ?', q.createdSince);
    if (q.ageMin !== undefined || q.ageMax !== undefined) {
      params.push(q.ageMin ?? 0, q.ageMax ?? 1000);
      where.push(`floor(${childAgeYearsSql('p')}) BETWEEN $${params.length - 1} AND $${params.length}`);
    }
    const cursor = decodeCursor(q.cursor);
    if (cursor) { params.push(cursor.at, cursor.id); where.push(`(p.created_at, p.id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`); }
    const limit = pageSize(q.limit);
    const rows: ProposalRow[] = await this.db.query(
      `SELECT p.* FROM admin_api.proposal_view p WHERE ${where.join(' AND ')} ORDER BY p.created_at, p.id LIMIT ${limit + 1}`, params);
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => this.summary(r)),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].created_at, page[page.length - 1].id) : null,
    };
  }

  /**
   * A proposal with both records: a record of an agency in the caller's scope in full, the other
   * agency's record with the minimal fields needed to judge the match (never its whereabouts).
   */
  async get(user: AuthUser, id: string) {
    const row = await this.visibleProposal(user, id);
    const ids = [row.left_side.id, row.right_side.id];
    const records: RecordRow[] = await this.db.query(
      'SELECT id, kind, agency_id, data, status FROM admin_api.record_view WHERE id = ANY($1::uuid[])', [ids]);
    const side = (s: { type: string; id: string; ref?: string; agencyId: string }) => {
      const rec = records.find((r) => r.id === s.id);
      if (!rec) return { ...s, record: null };
      const own = canSeeAgency(user, rec.agency_id);
      const record = rec.kind === 'child'
        ? (own ? rec.data : minimalChildView(rec.data))
        : (own ? rec.data : minimalTracingRequestView(rec.data, s.ref));
      return { ...s, access: own ? 'full' : 'minimal', recordStatus: rec.status, record };
    };
    return {
      view: { ...this.summary(row), explanation: row.explanation, modelVersion: row.model_version, decision: row.decision, left: side(row.left_side), right: side(row.right_side) },
      records: records.map((r) => ({ type: r.kind as 'child' | 'tracing-request', id: r.id, agencyId: r.agency_id, access: canSeeAgency(user, r.agency_id) ? 'full' as const : 'minimal' as const })),
    };
  }

  async decide(user: AuthUser, id: string, dto: DecideProposalDto, idempotencyKey?: string) {
    const row = await this.visibleProposal(user, id);
    const commandId = this.commands.commandIdFor(user, idempotencyKey);
    // the same decision again (another coordinator, a retry without a key): already so, nothing to send
    const last = row.decision as { decision?: string; reasonCode?: string | null } | null;
    if (row.status === DECISION_TARGET[dto.decision] && last?.decision === dto.decision && (last.reasonCode ?? null) === (dto.reasonCode ?? null)
      && !(await this.commands.request(commandId))) {
      return { httpStatus: 200, body: { status: row.status, proposalId: id, ...(row.case_id ? { caseId: row.case_id } : {}), duplicate: true } };
    }
    const outcome = await this.commands.send(user, commandId, { type: 'proposal', id }, { ...dto }, () => newEvent('proposal.decision-requested', {
      correlationId: commandId,
      actor: { id: user.id, role: user.role, agencyId: user.agencyId },
      subject: { type: 'proposal', id },
      payload: { commandId, proposalId: id, decision: dto.decision, reasonCode: dto.reasonCode, note: dto.note },
    }));
    return { httpStatus: outcome.state === 'pending' ? 202 : 200, body: outcomeOrThrow(outcome) };
  }

  /** Whether the proposal exists and involves an agency in the caller's scope. */
  async canSee(user: AuthUser, id: string): Promise<boolean> {
    const [row]: Array<Pick<ProposalRow, 'left_agency' | 'right_agency'>> =
      await this.db.query('SELECT left_agency, right_agency FROM admin_api.proposal_view WHERE id = $1', [id]);
    return !!row && (canSeeAgency(user, row.left_agency) || canSeeAgency(user, row.right_agency));
  }

  private async visibleProposal(user: AuthUser, id: string): Promise<ProposalRow> {
    const [row]: ProposalRow[] = await this.db.query('SELECT * FROM admin_api.proposal_view WHERE id = $1', [id]);
    if (!row || !(canSeeAgency(user, row.left_agency) || canSeeAgency(user, row.right_agency))) throw notFound('proposal');
    return row;
  }

  private summary(r: ProposalRow) {
    return {
      id: r.id, kind: r.kind, status: r.status, probability: r.probability, score: r.score,
      left: r.left_side, right: r.right_side, caseId: r.case_id, createdAt: r.created_at, updatedAt: r.updated_at,
    };
  }
}

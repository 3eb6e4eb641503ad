import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newEvent, SealedExplanationValues } from '@kinlink/contracts';
import { caseworkBinding, caseworkSubjectOf, ERASED, openCaseworkText } from '@kinlink/privacy';
import { sealCommandText } from '../casework/casework.service';
import { OpenedRecords, StoredSealedRecord } from '../projections/opened-records';
import { AuthUser, canSeeAgency, scopeFilter, scopeSql } from '../auth';
import { ApiError, notFound } from '../common/api.errors';
import { CommandBus, outcomeOrThrow } from '../common/command-bus';
import { decodeCursor, encodeCursor, pageSize } from '../common/pagination';
import { minimalChildView, minimalTracingRequestView, sharedWithOtherAgencies } from '../common/record-fields';
import { childAgeYearsSql, childDataSql } from './child-age.sql';
import { byPriority, Priority, reviewPriority } from './priority';
import { DECISION_TARGET, DecideProposalDto, ListProposalsQuery } from './review.dto';

interface ProposalRow {
  id: string; kind: string; left_side: any; right_side: any; left_agency: string; right_agency: string; // eslint-disable-line @typescript-eslint/no-explicit-any
  probability: number; score: number; explanation: unknown[]; model_version: string; status: string;
  explanation_values?: { eventId: string; values: SealedExplanationValues } | null;
  decision: unknown; case_id: string | null; created_at: Date; updated_at: Date;
  rescored?: { previousProbability: number; reason: string; at: string } | null;
  protection_status: 'pending' | 'released' | null; protection_level: 'elevated' | 'high' | null; protection_agency: string | null;
  child_data?: Record<string, any> | null; child_age?: number | string | null; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Agency of inter-agency coordinators and supervisors, who see held proposals (as in the cases service). */
const INTER_AGENCY = 'kinlink';
/** How many proposals `sort=priority` orders at most (the queue of one query; narrow it with filters). */
export const PRIORITY_SORT_WINDOW = 2000;

/**
 * A proposal held for a protection review is hidden from callers outside the child's agency: they
 * see only that it is under protection review. Inter-agency staff (agency `kinlink`) see it.
 */
export function isHeldFromCaller(user: AuthUser, r: Pick<ProposalRow, 'protection_status' | 'protection_agency'>): boolean {
  return r.protection_status === 'pending' && !!r.protection_agency && !canSeeAgency(user, r.protection_agency) && user.agencyId !== INTER_AGENCY;
}

/** The SQL twin of `isHeldFromCaller` over `p` ($n: the caller's agencies or NULL for all, $m: the caller's agency). */
function notHeldSql(agencies: number, own: number): string {
  return `(p.protection_status IS DISTINCT FROM 'pending' OR $${agencies}::text[] IS NULL OR p.protection_agency = ANY($${agencies}::text[]) OR $${own}::text = '${INTER_AGENCY}')`;
}

const HELD = (id: string) => ({ id, status: 'under_protection_review' as const });

interface RecordRow { id: string; kind: string; agency_id: string; data: Record<string, unknown>; status: string; sealed?: StoredSealedRecord | null }

/** Match review: coordinators see proposals that involve a record of an agency in their scope. */
@Injectable()
export class ReviewService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly commands: CommandBus, private readonly opened: OpenedRecords) {}

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
    const detailFilters = q.ageMin !== undefined || q.ageMax !== undefined || !!q.safeguarding || !!q.under5 || !!q.specificNeeds;
    if (detailFilters) {
      // filters on the child's details match only proposals whose details the caller may see
      params.push(scope.kind === 'all' ? null : [...scope.agencyIds], user.agencyId);
      where.push(notHeldSql(params.length - 1, params.length));
    }
    if (q.ageMin !== undefined || q.ageMax !== undefined) {
      params.push(q.ageMin ?? 0, q.ageMax ?? 1000);
      where.push(`floor(p.child_age) BETWEEN $${params.length - 1} AND $${params.length}`);
    }
    if (q.safeguarding) add(`COALESCE(p.protection_level, p.child_data->'safeguarding'->>'level') = ?`, q.safeguarding);
    if (q.under5 === 'true') where.push('p.child_age < 5');
    if (q.under5 === 'false') where.push('(p.child_age IS NULL OR p.child_age >= 5)');
    const hasNeeds = `(jsonb_typeof(p.child_data->'specificNeeds') = 'array' AND jsonb_array_length(p.child_data->'specificNeeds') > 0)`;
    if (q.specificNeeds === 'true') where.push(hasNeeds);
    if (q.specificNeeds === 'false') where.push(`NOT COALESCE(${hasNeeds}, false)`);
    const from = `(SELECT v.*, ${childDataSql('v')} AS child_data, ${childAgeYearsSql('v')} AS child_age FROM admin_api.proposal_view v) p`;
    const limit = pageSize(q.limit);
    if (q.sort === 'priority') return this.listByPriority(user, from, where, params, limit, q.cursor);
    const cursor = decodeCursor(q.cursor);
    if (cursor) { params.push(cursor.at, cursor.id); where.push(`(p.created_at, p.id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`); }
    const rows: ProposalRow[] = await this.db.query(
      `SELECT p.* FROM ${from} WHERE ${where.join(' AND ')} ORDER BY p.created_at, p.id LIMIT ${limit + 1}`, params);
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => this.listItem(user, r)),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].created_at, page[page.length - 1].id) : null,
    };
  }

  /**
   * The review queue by priority (./priority.ts), highest first; proposals held from the caller
   * (under protection review for another agency) last, oldest first, without their priority.
   * Ordered in memory over at most PRIORITY_SORT_WINDOW proposals; the cursor is a position.
   */
  private async listByPriority(user: AuthUser, from: string, where: string[], params: unknown[], limit: number, cursor?: string) {
    let offset = 0;
    if (cursor) {
      const [tag, n] = Buffer.from(cursor, 'base64url').toString().split('|');
      if (tag !== 'priority' || !/^\d{1,6}$/.test(n ?? '')) throw new ApiError('invalid_request', 'invalid cursor');
      offset = Number(n);
    }
    const rows: ProposalRow[] = await this.db.query(
      `SELECT p.* FROM ${from} WHERE ${where.join(' AND ')} ORDER BY p.created_at, p.id LIMIT ${PRIORITY_SORT_WINDOW}`, params);
    const now = new Date();
    const visible = rows.filter((r) => !isHeldFromCaller(user, r)).map((r) => ({ row: r, id: r.id, createdAt: r.created_at, priority: this.priorityOf(r, now) }));
    const held = rows.filter((r) => isHeldFromCaller(user, r));
    const ordered = [...visible.sort(byPriority).map((v) => v.row), ...held];
    const page = ordered.slice(offset, offset + limit);
    return {
      items: page.map((r) => this.listItem(user, r, now)),
      nextCursor: ordered.length > offset + limit ? Buffer.from(`priority|${offset + limit}`).toString('base64url') : null,
    };
  }

  private priorityOf(r: ProposalRow, now: Date): Priority {
    const d = r.child_data ?? {};
    const level = r.protection_level ?? (['elevated', 'high'].includes(d.safeguarding?.level) ? d.safeguarding.level : null);
    return reviewPriority({
      safeguardingLevel: level, ageYears: r.child_age === null || r.child_age === undefined ? null : Number(r.child_age),
      specificNeeds: Array.isArray(d.specificNeeds) ? d.specificNeeds : null,
      separationDate: typeof d.separation?.date === 'string' ? d.separation.date : null, probability: r.probability,
    }, now);
  }

  /** A list item: minimal while held from the caller, else the summary with its protection status and priority. */
  private listItem(user: AuthUser, r: ProposalRow, now = new Date()) {
    if (isHeldFromCaller(user, r)) return HELD(r.id);
    return { ...this.summary(r, user), priority: this.priorityOf(r, now) };
  }

  /**
   * A proposal with both records: a record of an agency in the caller's scope in full, the other
   * agency's record with the minimal fields needed to judge the match (never its whereabouts).
   */
  async get(user: AuthUser, id: string) {
    const row = await this.visibleProposal(user, id);
    // held for a protection review of the other agency's child: only that it is (no records, scores, explanation)
    if (isHeldFromCaller(user, row)) return { view: HELD(row.id), records: [] };
    const ids = [row.left_side.id, row.right_side.id];
    const stored: RecordRow[] = await this.db.query(
      'SELECT id, kind, agency_id, data, status, sealed FROM admin_api.record_view WHERE id = ANY($1::uuid[])', [ids]);
    // sealed at rest: opened for this read (consent, in the clear facts, decides what another agency sees)
    await this.opened.prefetch(stored.map((r) => r.id));
    const records = await Promise.all(stored.map(async (r) => ({ ...r, data: (await this.opened.row(r)) ?? {} })));
    const summary = this.summary(row, user);
    // consent gates sharing: another agency's record (and its compared values) without consent stays hidden
    const withheld = new Set(records.filter((r) => !canSeeAgency(user, r.agency_id) && r.status !== 'erased' && !sharedWithOtherAgencies(r.data)).map((r) => r.id));
    const side = (s: { type: string; id: string; ref?: string; agencyId: string }) => {
      const rec = records.find((r) => r.id === s.id);
      if (!rec) return { ...s, record: null };
      const own = canSeeAgency(user, rec.agency_id);
      if (rec.status === 'erased') return { ...s, access: own ? 'full' : 'minimal', recordStatus: rec.status, record: ERASED };
      if (!own && !sharedWithOtherAgencies(rec.data)) return { ...s, access: 'withheld', recordStatus: rec.status, record: null };
      const record = rec.kind === 'child'
        ? (own ? rec.data : minimalChildView(rec.data))
        : (own ? rec.data : minimalTracingRequestView(rec.data, s.ref));
      return { ...s, access: own ? 'full' : 'minimal', recordStatus: rec.status, record };
    };
    return {
      view: { ...this.summary(row, user), explanation: await this.explanation(row, withheld), modelVersion: row.model_version, decision: await this.decision(row), left: side(summary.left as typeof row.left_side), right: side(summary.right as typeof row.right_side) },
      records: records.map((r) => ({ type: r.kind as 'child' | 'tracing-request', id: r.id, agencyId: r.agency_id, access: canSeeAgency(user, r.agency_id) ? 'full' as const : 'minimal' as const })),
    };
  }

  /** The explanation with its compared values opened (sealed at rest under each side's subject key). */
  private async explanation(row: ProposalRow, withheld: ReadonlySet<string>) {
    const bare = row.explanation as Array<Record<string, unknown>>;
    if (!row.explanation_values) return bare;
    return this.opened.explanation(row.explanation_values.eventId, bare, row.explanation_values.values, withheld);
  }

  /** The last decision, its note (sealed under the child side's key) opened for this read. */
  private async decision(row: ProposalRow) {
    return openCaseworkText(this.opened.cipher, caseworkSubjectOf(row.left_side, row.right_side), caseworkBinding('proposal', row.id), row.decision);
  }

  async decide(user: AuthUser, id: string, dto: DecideProposalDto, idempotencyKey?: string) {
    const row = await this.visibleProposal(user, id);
    const commandId = this.commands.commandIdFor(user, idempotencyKey);
    // the same decision again (another coordinator, a retry without a key): already so, nothing to send
    const last = row.decision as { decision?: string; reasonCode?: string | null } | null;
    if (dto.decision !== 'release_protection_review' && row.status === DECISION_TARGET[dto.decision] && last?.decision === dto.decision && (last.reasonCode ?? null) === (dto.reasonCode ?? null)
      && !(await this.commands.request(commandId))) {
      return { httpStatus: 200, body: { status: row.status, proposalId: id, ...(row.case_id ? { caseId: row.case_id } : {}), duplicate: true } };
    }
    // the note and override reason travel sealed under the child side's key, bound to the command; only cases opens them
    const text = await sealCommandText(this.opened.cipher, caseworkSubjectOf(row.left_side, row.right_side), commandId, { note: dto.note, overrideReason: dto.overrideReason });
    const outcome = await this.commands.send(user, commandId, { type: 'proposal', id }, { ...dto }, () => newEvent('proposal.decision-requested', {
      correlationId: commandId,
      actor: { id: user.id, role: user.role, agencyId: user.agencyId },
      subject: { type: 'proposal', id },
      payload: { commandId, proposalId: id, decision: dto.decision, reasonCode: dto.reasonCode, note: text.note, ...(text.overrideReason ? { overrideReason: text.overrideReason } : {}) },
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

  /**
   * A side's safeguarding level, and the level of the protection review, are the child's agency's
   * (personal data, like the concerns behind them): other callers see the side without it and only
   * whether the review is pending or released.
   */
  private summary(r: ProposalRow, user: AuthUser) {
    const side = (s: Record<string, unknown> & { agencyId: string }) => {
      if (canSeeAgency(user, s.agencyId) || user.agencyId === INTER_AGENCY) return s;
      const { safeguardingLevel: _hidden, ...rest } = s; // eslint-disable-line @typescript-eslint/no-unused-vars
      return rest;
    };
    const ownChild = !r.protection_agency || canSeeAgency(user, r.protection_agency) || user.agencyId === INTER_AGENCY;
    return {
      id: r.id, kind: r.kind, status: r.status, probability: r.probability, score: r.score,
      // the last re-score (a look-alike arrived or left): what the probability was before, why, when
      rescored: r.rescored ?? null,
      left: side(r.left_side), right: side(r.right_side), caseId: r.case_id, createdAt: r.created_at, updatedAt: r.updated_at,
      protection: r.protection_status ? (ownChild ? { status: r.protection_status, level: r.protection_level } : { status: r.protection_status }) : null,
    };
  }
}

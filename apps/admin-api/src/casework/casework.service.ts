import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newEvent } from '@kinlink/contracts';
import { caseworkBinding, commandBinding, openCaseworkText, sealCaseworkText, SubjectCipher, SubjectErasedError } from '@kinlink/privacy';
import { AuthUser, canSeeAgency, scopeFilter } from '../auth';
import { ApiError, notFound } from '../common/api.errors';
import { CommandBus, outcomeOrThrow } from '../common/command-bus';
import { decodeCursor, encodeCursor, pageSize } from '../common/pagination';
import { CaseTransitionDto, ListCasesQuery } from './casework.dto';

interface CaseRow {
  id: string; proposal_id: string; child_id: string; tracing_request_id: string; child_agency: string; request_agency: string;
  status: string; version: number; timeline: unknown[]; created_at: Date; updated_at: Date;
}

/** Reunification cases: visible to coordinators of either agency involved. */
@Injectable()
export class CaseworkService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly commands: CommandBus, private readonly cipher: SubjectCipher) {}

  async list(user: AuthUser, q: ListCasesQuery) {
    const scope = scopeFilter(user);
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: string, v: unknown) => { params.push(v); where.push(sql.replaceAll('?', `$${params.length}`)); };
    if (scope.kind === 'agencies') add('(child_agency = ANY(?::text[]) OR request_agency = ANY(?::text[]))', scope.agencyIds);
    if (q.status) add('status = ?', q.status);
    if (q.agency) add('(child_agency = ? OR request_agency = ?)', q.agency);
    if (q.createdSince) add('created_at >= ?', q.createdSince);
    const cursor = decodeCursor(q.cursor);
    if (cursor) { params.push(cursor.at, cursor.id); where.push(`(created_at, id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`); }
    const limit = pageSize(q.limit);
    const rows: CaseRow[] = await this.db.query(
      `SELECT * FROM admin_api.case_view ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id LIMIT ${limit + 1}`, params);
    const page = rows.slice(0, limit);
    return { items: page.map(summary), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].created_at, page[page.length - 1].id) : null };
  }

  async get(user: AuthUser, id: string) {
    const row = await this.visibleCase(user, id);
    // notes, places and checklist notes are sealed under the child's key: opened for this read ([erased] after erasure)
    return { ...summary(row), timeline: await openCaseworkText(this.cipher, row.child_id, caseworkBinding('case', row.id), row.timeline) };
  }

  async transition(user: AuthUser, id: string, dto: CaseTransitionDto, idempotencyKey?: string) {
    const row = await this.visibleCase(user, id);
    const commandId = this.commands.commandIdFor(user, idempotencyKey);
    const { type, ...fields } = dto;
    // the free text travels sealed under the child's key, bound to the command; only cases opens it
    const sealed = await sealCommandText(this.cipher, row.child_id, commandId, { type, ...fields });
    const outcome = await this.commands.send(user, commandId, { type: 'case', id }, { type, ...fields }, () => newEvent('case.transition-requested', {
      correlationId: commandId,
      actor: { id: user.id, role: user.role, agencyId: user.agencyId },
      subject: { type: 'case', id },
      payload: { commandId, caseId: id, command: sealed },
    }));
    return { httpStatus: outcome.state === 'pending' ? 202 : 200, body: outcomeOrThrow(outcome) };
  }

  /** Whether the case exists and involves an agency in the caller's scope. */
  async canSee(user: AuthUser, id: string): Promise<boolean> {
    const [row]: Array<Pick<CaseRow, 'child_agency' | 'request_agency'>> =
      await this.db.query('SELECT child_agency, request_agency FROM admin_api.case_view WHERE id = $1', [id]);
    return !!row && (canSeeAgency(user, row.child_agency) || canSeeAgency(user, row.request_agency));
  }

  private async visibleCase(user: AuthUser, id: string): Promise<CaseRow> {
    const [row]: CaseRow[] = await this.db.query('SELECT * FROM admin_api.case_view WHERE id = $1', [id]);
    if (!row || !(canSeeAgency(user, row.child_agency) || canSeeAgency(user, row.request_agency))) throw notFound('case');
    return row;
  }
}

function summary(r: CaseRow) {
  return {
    id: r.id, proposalId: r.proposal_id, childId: r.child_id, tracingRequestId: r.tracing_request_id,
    childAgency: r.child_agency, requestAgency: r.request_agency, status: r.status, version: r.version,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

/** A command's free text sealed under the child's key (bound to the command id); 409 once the child is erased. */
export async function sealCommandText<T>(cipher: SubjectCipher, childId: string, commandId: string, value: T): Promise<T> {
  try {
    return await sealCaseworkText(cipher, childId, commandBinding(commandId), value);
  } catch (e) {
    if (!(e instanceof SubjectErasedError)) throw e;
    const rule = "the child was erased: no more casework text can be recorded";
    throw new ApiError('command_rejected', rule, { rule, ruleCode: 'CHILD_ERASED' }, 409);
  }
}

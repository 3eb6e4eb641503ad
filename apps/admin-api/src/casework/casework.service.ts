import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newEvent } from '@kinlink/contracts';
import { AuthUser, canSeeAgency, scopeFilter } from '../auth';
import { notFound } from '../common/api.errors';
import { CommandBus, outcomeOrThrow } from '../common/command-bus';
import { decodeCursor, encodeCursor, pageSize } from '../common/pagination';
import { CaseTransitionDto } from './casework.dto';

interface CaseRow {
  id: string; proposal_id: string; child_id: string; tracing_request_id: string; child_agency: string; request_agency: string;
  status: string; version: number; timeline: unknown[]; created_at: Date; updated_at: Date;
}

/** Reunification cases: visible to coordinators of either agency involved. */
@Injectable()
export class CaseworkService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly commands: CommandBus) {}

  async list(user: AuthUser, q: { status?: string; cursor?: string; limit?: number }) {
    const scope = scopeFilter(user);
    const params: unknown[] = [];
    const where: string[] = [];
    if (scope.kind === 'agencies') { params.push(scope.agencyIds); where.push('(child_agency = ANY($1::text[]) OR request_agency = ANY($1::text[]))'); }
    if (q.status) { params.push(q.status); where.push(`status = $${params.length}`); }
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
    return { ...summary(row), timeline: row.timeline };
  }

  async transition(user: AuthUser, id: string, dto: CaseTransitionDto, idempotencyKey?: string) {
    await this.visibleCase(user, id);
    const commandId = this.commands.commandIdFrom(idempotencyKey);
    const { type, ...fields } = dto;
    const outcome = await this.commands.send(commandId, () => newEvent('case.transition-requested', {
      correlationId: commandId,
      actor: { id: user.id, role: user.role, agencyId: user.agencyId },
      subject: { type: 'case', id },
      payload: { commandId, caseId: id, command: { type, ...fields } },
    }));
    return { httpStatus: outcome.state === 'pending' ? 202 : 200, body: outcomeOrThrow(outcome) };
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

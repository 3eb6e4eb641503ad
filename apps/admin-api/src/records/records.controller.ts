import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser, canSeeAgency, CurrentUser, Roles, scopeFilter } from '../auth';
import { ApiError, notFound } from '../common/api.errors';
import { pageSize } from '../common/pagination';

interface RecordRow { id: string; kind: string; agency_id: string; agency_record_id: string; revision: number; status: string; data: unknown; closure: unknown; registered_at: Date; updated_at: Date }

@ApiTags('children and tracing requests')
@ApiBearerAuth()
@Controller()
export class RecordsController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get('children/:id')
  @Roles('coordinator', 'supervisor', 'system-admin', 'auditor')
  @ApiOperation({ summary: "A registered child (your agencies' records only)" })
  child(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.record(user, id, 'child');
  }

  @Get('tracing-requests/:id')
  @Roles('coordinator', 'supervisor', 'system-admin', 'auditor')
  @ApiOperation({ summary: "A tracing request (your agencies' records only)" })
  tracingRequest(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.record(user, id, 'tracing-request');
  }

  @Get('records')
  @Roles('coordinator', 'supervisor', 'system-admin')
  @ApiOperation({ summary: 'Search children and tracing requests of your agencies by name' })
  @ApiQuery({ name: 'kind', enum: ['child', 'tracing-request'], required: false }) @ApiQuery({ name: 'name', required: true }) @ApiQuery({ name: 'limit', required: false })
  async search(@CurrentUser() user: AuthUser, @Query('name') name?: string, @Query('kind') kind?: string, @Query('limit') limit?: string) {
    if (!name || name.length < 2 || name.length > 100) throw new ApiError('invalid_request', 'name must be 2–100 characters');
    if (kind && kind !== 'child' && kind !== 'tracing-request') throw new ApiError('invalid_request', 'kind must be child or tracing-request');
    const scope = scopeFilter(user);
    const params: unknown[] = [`%${name.replace(/[%_\\]/g, '\\$&')}%`];
    const where = [`data::text ILIKE $1`];
    if (scope.kind === 'agencies') { params.push(scope.agencyIds); where.push(`agency_id = ANY($${params.length}::text[])`); }
    if (kind) { params.push(kind); where.push(`kind = $${params.length}`); }
    const rows: RecordRow[] = await this.db.query(
      `SELECT * FROM admin_api.record_view WHERE ${where.join(' AND ')} ORDER BY updated_at DESC, id LIMIT ${pageSize(limit ? Number(limit) : undefined)}`, params);
    return { items: rows.map(view) };
  }

  private async record(user: AuthUser, id: string, kind: string) {
    const [row]: RecordRow[] = await this.db.query('SELECT * FROM admin_api.record_view WHERE id = $1 AND kind = $2', [id, kind]);
    if (!row || !canSeeAgency(user, row.agency_id)) throw notFound(kind);
    return view(row);
  }
}

function view(r: RecordRow) {
  return { id: r.id, kind: r.kind, agencyId: r.agency_id, agencyRecordId: r.agency_record_id, revision: r.revision, status: r.status, data: r.data, closure: r.closure, registeredAt: r.registered_at, updatedAt: r.updated_at };
}

import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessLog } from '../audit-trail/access-log';
import { AuthUser, CurrentUser, Roles } from '../auth';
import { readPurpose } from '../common/read-purpose';
import { RecordKind } from './name-index';
import { ListRecordsQuery, SearchRecordsQuery } from './records.dto';
import { RecordsService } from './records.service';

@ApiTags('children and tracing requests')
@ApiBearerAuth()
@Controller()
export class RecordsController {
  constructor(private readonly records: RecordsService, private readonly accessLog: AccessLog) {}

  @Get('children')
  @Roles('coordinator', 'supervisor', 'system-admin', 'auditor')
  @ApiOperation({ summary: 'Registered children of your agencies: filters (agency, status, registered since), fuzzy cross-script name search, keyset pagination' })
  listChildren(@CurrentUser() user: AuthUser, @Query() q: ListRecordsQuery) {
    return this.records.list(user, 'child', q);
  }

  @Get('children/:id')
  @Roles('coordinator', 'supervisor', 'system-admin', 'auditor')
  @ApiOperation({ summary: "A registered child (your agencies' records only); the read is audit-logged" })
  child(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.read(user, 'child', id);
  }

  @Get('tracing-requests')
  @Roles('coordinator', 'supervisor', 'system-admin', 'auditor')
  @ApiOperation({ summary: 'Tracing requests of your agencies: filters (agency, status, registered since), fuzzy cross-script name search (sought children and inquirer), keyset pagination' })
  listTracingRequests(@CurrentUser() user: AuthUser, @Query() q: ListRecordsQuery) {
    return this.records.list(user, 'tracing-request', q);
  }

  @Get('tracing-requests/:id')
  @Roles('coordinator', 'supervisor', 'system-admin', 'auditor')
  @ApiOperation({ summary: "A tracing request (your agencies' records only); the read is audit-logged" })
  tracingRequest(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.read(user, 'tracing-request', id);
  }

  @Get('records')
  @Roles('coordinator', 'supervisor', 'system-admin')
  @ApiOperation({ summary: 'Substring search over children and tracing requests of your agencies (see GET /children and /tracing-requests for fuzzy name search)' })
  search(@CurrentUser() user: AuthUser, @Query() q: SearchRecordsQuery) {
    return this.records.search(user, q);
  }

  private async read(user: AuthUser, kind: RecordKind, id: string) {
    const { row, view } = await this.records.get(user, kind, id);
    await this.accessLog.recordRead(user, { type: kind, id, agencyId: row.agency_id }, readPurpose(user, 'case-management'),
      { operation: kind === 'child' ? 'GET /children/:id' : 'GET /tracing-requests/:id', access: 'full' });
    return view;
  }
}

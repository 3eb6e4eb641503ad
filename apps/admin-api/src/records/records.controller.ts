import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccessLog } from '../audit-trail/access-log';
import { AuthUser, CurrentUser, Roles } from '../auth';
import { readPurpose } from '../common/read-purpose';
import { RecordKind } from './name-index';
import { EraseRecordDto, ListRecordsQuery, SearchRecordsQuery } from './records.dto';
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

  @Post('children/:id/erasure')
  @HttpCode(200)
  @Roles('system-admin')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'repeat a request safely: the same key (per caller) never acts twice' })
  @ApiOperation({ summary: "Erase a child's data for good (crypto-shredding: the child's data key is destroyed); with a reason code, audited; `confirm` must repeat the id (else 422)" })
  eraseChild(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: EraseRecordDto,
    @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    return this.erase(user, 'child', id, dto, key, res);
  }

  @Post('tracing-requests/:id/erasure')
  @HttpCode(200)
  @Roles('system-admin')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'repeat a request safely: the same key (per caller) never acts twice' })
  @ApiOperation({ summary: "Erase a tracing request's data for good (crypto-shredding); with a reason code, audited; `confirm` must repeat the id (else 422)" })
  eraseTracingRequest(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: EraseRecordDto,
    @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    return this.erase(user, 'tracing-request', id, dto, key, res);
  }

  private async erase(user: AuthUser, kind: RecordKind, id: string, dto: EraseRecordDto, key: string | undefined, res: Response) {
    const { httpStatus, body } = await this.records.erase(user, kind, id, dto, key);
    res.status(httpStatus);
    return body;
  }

  private async read(user: AuthUser, kind: RecordKind, id: string) {
    const { row, view } = await this.records.get(user, kind, id);
    await this.accessLog.recordRead(user, { type: kind, id, agencyId: row.agency_id }, readPurpose(user, 'case-management'),
      { operation: kind === 'child' ? 'GET /children/:id' : 'GET /tracing-requests/:id', access: 'full' });
    return view;
  }
}

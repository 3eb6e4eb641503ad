import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccessLog } from '../audit-trail/access-log';
import { AuthUser, CurrentUser, Roles } from '../auth';
import { readPurpose } from '../common/read-purpose';
import { DecideProposalDto, ListProposalsQuery } from './review.dto';
import { ReviewService } from './review.service';

@ApiTags('match review')
@ApiBearerAuth()
@Controller()
export class ReviewController {
  constructor(private readonly review: ReviewService, private readonly accessLog: AccessLog) {}

  @Get('proposals')
  @Roles('coordinator', 'supervisor', 'system-admin')
  @ApiOperation({ summary: 'Proposals involving a record of an agency in your scope, oldest first (keyset pagination)' })
  list(@CurrentUser() user: AuthUser, @Query() q: ListProposalsQuery) {
    return this.review.list(user, q);
  }

  @Get('proposals/:id')
  @Roles('coordinator', 'supervisor', 'system-admin')
  @ApiOperation({ summary: 'A proposal with both records side by side (the other agency’s record with minimal fields) and the per-field explanation; the read is audit-logged' })
  async get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    const { view, records } = await this.review.get(user, id);
    await this.accessLog.recordReads(user, [{ type: 'proposal', id }, ...records.map(({ type, id: recordId, agencyId }) => ({ type, id: recordId, agencyId }))],
      readPurpose(user, 'match-review'), { operation: 'GET /proposals/:id' });
    return view;
  }

  @Post('proposals/:id/decisions')
  @HttpCode(200)
  @Roles('coordinator', 'supervisor')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'repeat a request safely: the same key (per caller) never acts twice; reused for a different request it answers 422' })
  @ApiOperation({ summary: 'Confirm (opens a case), reject (with reason), mark sibling/duplicate, or request information (sent to the owning agencies); 202 with a status URL when the outcome takes long' })
  async decide(
    @CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: DecideProposalDto,
    @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response,
  ) {
    const { httpStatus, body } = await this.review.decide(user, id, dto, key);
    res.status(httpStatus);
    return body;
  }
}

import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../auth';
import { CaseTransitionDto } from './casework.dto';
import { CaseworkService } from './casework.service';

@ApiTags('reunification cases')
@ApiBearerAuth()
@Controller('cases')
export class CaseworkController {
  constructor(private readonly cases: CaseworkService) {}

  @Get()
  @Roles('coordinator', 'supervisor', 'system-admin', 'auditor')
  @ApiQuery({ name: 'status', required: false }) @ApiQuery({ name: 'cursor', required: false }) @ApiQuery({ name: 'limit', required: false })
  list(@CurrentUser() user: AuthUser, @Query('status') status?: string, @Query('cursor') cursor?: string, @Query('limit') limit?: string) {
    return this.cases.list(user, { status, cursor, limit: limit ? Number(limit) : undefined });
  }

  @Get(':id')
  @Roles('coordinator', 'supervisor', 'system-admin', 'auditor')
  @ApiOperation({ summary: "A case with its full timeline (who, when, from, to, why)" })
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.cases.get(user, id);
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @Roles('coordinator', 'supervisor')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOperation({ summary: 'Move the case one step; a step the rules forbid answers 409/422 naming the rule and changes nothing' })
  async transition(
    @CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: CaseTransitionDto,
    @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response,
  ) {
    const { httpStatus, body } = await this.cases.transition(user, id, dto, key);
    res.status(httpStatus);
    return body;
  }
}

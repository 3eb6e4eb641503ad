import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../auth';
import { CaseTransitionDto, ListCasesQuery } from './casework.dto';
import { CaseworkService } from './casework.service';

@ApiTags('reunification cases')
@ApiBearerAuth()
@Controller('cases')
export class CaseworkController {
  constructor(private readonly cases: CaseworkService) {}

  @Get()
  @Roles('coordinator', 'supervisor', 'system-admin', 'auditor')
  @ApiOperation({ summary: 'Cases involving an agency in your scope, oldest first (keyset pagination)' })
  list(@CurrentUser() user: AuthUser, @Query() q: ListCasesQuery) {
    return this.cases.list(user, q);
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
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'repeat a request safely: the same key (per caller) never acts twice; reused for a different request it answers 422' })
  @ApiOperation({ summary: 'Move the case one step; a step the rules forbid answers 403/409/422 naming the rule (`ruleCode`) and changes nothing; 202 with a status URL when the outcome takes long' })
  async transition(
    @CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: CaseTransitionDto,
    @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response,
  ) {
    const { httpStatus, body } = await this.cases.transition(user, id, dto, key);
    res.status(httpStatus);
    return body;
  }
}

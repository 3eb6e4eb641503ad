import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../auth';
import { CommandBus, outcomeOrThrow } from '../common/command-bus';
import { DecideProposalDto, ListProposalsQuery } from './review.dto';
import { ReviewService } from './review.service';

@ApiTags('match review')
@ApiBearerAuth()
@Controller()
export class ReviewController {
  constructor(private readonly review: ReviewService, private readonly commands: CommandBus) {}

  @Get('proposals')
  @Roles('coordinator', 'supervisor', 'system-admin')
  @ApiOperation({ summary: 'Proposals involving a record of an agency in your scope (keyset pagination)' })
  list(@CurrentUser() user: AuthUser, @Query() q: ListProposalsQuery) {
    return this.review.list(user, q);
  }

  @Get('proposals/:id')
  @Roles('coordinator', 'supervisor', 'system-admin')
  @ApiOperation({ summary: 'A proposal with both records side by side and the per-field explanation' })
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.review.get(user, id);
  }

  @Post('proposals/:id/decisions')
  @HttpCode(200)
  @Roles('coordinator', 'supervisor')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'repeat a request safely: the same key never acts twice' })
  @ApiOperation({ summary: 'Confirm (opens a case), reject (with reason), mark sibling/duplicate, or request information' })
  async decide(
    @CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: DecideProposalDto,
    @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response,
  ) {
    const { httpStatus, body } = await this.review.decide(user, id, dto, key);
    res.status(httpStatus);
    return body;
  }

  @Get('commands/:id')
  @Roles('coordinator', 'supervisor', 'system-admin')
  @ApiOperation({ summary: 'Outcome of a command that answered 202' })
  async command(@Param('id') id: string) {
    return outcomeOrThrow(await this.commands.outcome(this.commands.commandIdFrom(id)));
  }
}

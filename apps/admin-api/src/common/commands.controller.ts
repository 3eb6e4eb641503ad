import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../auth';
import { CaseworkService } from '../casework/casework.service';
import { RecordsService } from '../records/records.service';
import { ReviewService } from '../review/review.service';
import { notFound } from './api.errors';
import { COMMAND_ID, CommandBus, outcomeOrThrow } from './command-bus';

@ApiTags('commands')
@ApiBearerAuth()
@Controller('commands')
export class CommandsController {
  constructor(private readonly commands: CommandBus, private readonly review: ReviewService, private readonly cases: CaseworkService, private readonly records: RecordsService) {}

  @Get(':id')
  @Roles('coordinator', 'supervisor', 'system-admin')
  @ApiOperation({ summary: 'Outcome of a command that answered 202 (commands about a proposal or case in your scope only)' })
  async get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    const request = COMMAND_ID.test(id) ? await this.commands.request(id) : undefined;
    const visible = request && (request.subject.type === 'proposal'
      ? await this.review.canSee(user, request.subject.id)
      : request.subject.type === 'case' ? await this.cases.canSee(user, request.subject.id)
        : await this.records.canSee(user, request.subject.id));
    if (!visible) throw notFound('command');
    return outcomeOrThrow(await this.commands.outcome(id));
  }
}

import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { INTERNAL_TOPICS, KinlinkEvent } from '@kinlink/contracts';
import { MatchRecordChange } from './match-record-change.usecase';

@Controller()
export class RecordsConsumer {
  constructor(private readonly matchRecordChange: MatchRecordChange) {}

  @EventPattern(INTERNAL_TOPICS.records)
  async onRecordEvent(@Payload() event: KinlinkEvent) {
    await this.matchRecordChange.execute(event as Parameters<MatchRecordChange['execute']>[0]);
  }
}

import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { INTERNAL_TOPICS, KinlinkEvent } from '@kinlink/contracts';
import { KafkaMessageContext } from '@kinlink/kafka';
import { MatchRecordChange } from './match-record-change.usecase';
import { ReplicaFeed } from './replica-feed';

@Controller()
export class RecordsConsumer {
  constructor(private readonly matchRecordChange: MatchRecordChange, private readonly replica: ReplicaFeed) {}

  @EventPattern(INTERNAL_TOPICS.records)
  async onRecordEvent(@Payload() event: KinlinkEvent, @Ctx() ctx: KafkaMessageContext) {
    // scaled out: the replica holds every record on the topic before this one was received (no-op otherwise)
    await this.replica.sync(ctx.message.receivedAt);
    await this.matchRecordChange.execute(event as Parameters<MatchRecordChange['execute']>[0]);
  }
}

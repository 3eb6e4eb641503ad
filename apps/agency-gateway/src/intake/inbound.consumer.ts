import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { AGENCY_INBOUND, KafkaMessageContext } from '@kinlink/kafka';
import { CheckAgencyEvent } from './check-agency-event.usecase';

@Controller()
export class InboundConsumer {
  constructor(private readonly checkAgencyEvent: CheckAgencyEvent) {}

  @EventPattern(AGENCY_INBOUND)
  async onAgencyMessage(@Payload() value: Buffer | null, @Ctx() ctx: KafkaMessageContext) {
    const { topic, partition, offset } = ctx.message;
    await this.checkAgencyEvent.execute({ topic, partition, offset, value });
  }
}

import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { INTERNAL_TOPICS, KinlinkEvent } from '@kinlink/contracts';
import { ApplyAgencyEvent } from './apply-agency-event.usecase';

/** Thin edge: one accepted agency event → one use case. */
@Controller()
export class IntakeConsumer {
  constructor(private readonly applyAgencyEvent: ApplyAgencyEvent) {}

  @EventPattern(INTERNAL_TOPICS.intake)
  async onAccepted(@Payload() event: KinlinkEvent) {
    if (event.type === 'agency-event.accepted') await this.applyAgencyEvent.execute(event as KinlinkEvent<'agency-event.accepted'>);
  }
}

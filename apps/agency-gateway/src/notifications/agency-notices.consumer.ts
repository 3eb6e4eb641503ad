import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { INTERNAL_TOPICS, KinlinkEvent } from '@kinlink/contracts';
import { AgencyNotices } from './agency-notices.usecase';

/** Thin edges: records teach the gateway who owns what; matches and cases are told to the owners. */
@Controller()
export class AgencyNoticesConsumer {
  constructor(private readonly notices: AgencyNotices) {}

  @EventPattern(INTERNAL_TOPICS.records)
  onRecord(@Payload() e: KinlinkEvent) {
    return this.notices.learnRecord(e);
  }

  @EventPattern(INTERNAL_TOPICS.matches)
  onMatch(@Payload() e: KinlinkEvent) {
    return this.notices.notify(e);
  }

  @EventPattern(INTERNAL_TOPICS.cases)
  onCase(@Payload() e: KinlinkEvent) {
    return this.notices.notify(e);
  }
}

import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { INTERNAL_TOPICS, KinlinkEvent } from '@kinlink/contracts';
import { ProjectEvent } from './project-event.usecase';

@Controller()
export class ProjectionsConsumer {
  constructor(private readonly project: ProjectEvent) {}

  @EventPattern(INTERNAL_TOPICS.records)
  onRecord(@Payload() e: KinlinkEvent) {
    return this.project.execute(e);
  }

  @EventPattern(INTERNAL_TOPICS.matches)
  onMatch(@Payload() e: KinlinkEvent) {
    return this.project.execute(e);
  }

  @EventPattern(INTERNAL_TOPICS.cases)
  onCase(@Payload() e: KinlinkEvent) {
    return this.project.execute(e);
  }

  @EventPattern(INTERNAL_TOPICS.audit)
  onAudit(@Payload() e: KinlinkEvent) {
    return this.project.execute(e);
  }
}

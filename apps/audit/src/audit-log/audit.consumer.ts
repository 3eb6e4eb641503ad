import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { INTERNAL_TOPICS, KinlinkEvent } from '@kinlink/contracts';
import { headerText, KafkaMessageContext } from '@kinlink/kafka';
import { AppendToAuditLog } from './append-to-audit-log.usecase';
import { leafOfDeadLetter, leafOfEvent } from './leaf-drafts';

/** Every domain event, coordinator command, dead letter and logged read becomes one audit leaf. */
@Controller()
export class AuditConsumer {
  constructor(private readonly append: AppendToAuditLog) {}

  @EventPattern(INTERNAL_TOPICS.records)
  onRecord(@Payload() e: KinlinkEvent) {
    return this.append.execute(leafOfEvent(e));
  }

  @EventPattern(INTERNAL_TOPICS.matches)
  onMatch(@Payload() e: KinlinkEvent) {
    return this.append.execute(leafOfEvent(e));
  }

  @EventPattern(INTERNAL_TOPICS.caseCommands)
  onCommand(@Payload() e: KinlinkEvent) {
    return this.append.execute(leafOfEvent(e));
  }

  @EventPattern(INTERNAL_TOPICS.cases)
  onCaseEvent(@Payload() e: KinlinkEvent) {
    return this.append.execute(leafOfEvent(e));
  }

  /** Reads of children's and tracing requests' records and of the audit log (admin API). */
  @EventPattern(INTERNAL_TOPICS.accessLog)
  onRead(@Payload() e: KinlinkEvent) {
    return this.append.execute(leafOfEvent(e));
  }

  @EventPattern(INTERNAL_TOPICS.deadLetter)
  onDeadLetter(@Payload() value: Buffer | null, @Ctx() ctx: KafkaMessageContext) {
    const { partition, offset, headers: raw } = ctx.message;
    const headers = Object.fromEntries(Object.keys(raw).map((k) => [k, headerText(raw, k)]));
    return this.append.execute(leafOfDeadLetter({ partition, offset, headers, value }));
  }
}

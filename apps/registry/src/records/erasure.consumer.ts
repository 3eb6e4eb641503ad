import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { INTERNAL_TOPICS, KinlinkEvent } from '@kinlink/contracts';
import { EraseSubject } from './erase-subject.usecase';

/** Thin edge: a system admin's erasure request (on `case-commands`) → the erasure use case. */
@Controller()
export class ErasureConsumer {
  constructor(private readonly eraseSubject: EraseSubject) {}

  @EventPattern(INTERNAL_TOPICS.caseCommands)
  async onCommand(@Payload() event: KinlinkEvent) {
    if (event.type !== 'subject.erasure-requested') return;
    const p = (event as KinlinkEvent<'subject.erasure-requested'>).payload;
    await this.eraseSubject.execute({
      inboxId: event.eventId, subject: p.subject, reasonCode: p.reasonCode, actor: event.actor,
      correlationId: event.correlationId, causationId: event.eventId, commandId: p.commandId,
    });
  }
}

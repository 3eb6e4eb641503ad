import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { INTERNAL_TOPICS, KinlinkEvent } from '@kinlink/contracts';
import { SubjectCipher } from '@kinlink/privacy';
import { AgencyNotices } from './agency-notices.usecase';

/** Thin edges: records teach the gateway who owns what; matches and cases are told to the owners. */
@Controller()
export class AgencyNoticesConsumer {
  constructor(private readonly notices: AgencyNotices, private readonly cipher: SubjectCipher) {}

  @EventPattern(INTERNAL_TOPICS.records)
  onRecord(@Payload() e: KinlinkEvent) {
    // an erased subject's key leaves the intake's key cache at once (nothing more is sealed under it)
    if (e.type === 'subject.erased') this.cipher.forget((e as KinlinkEvent<'subject.erased'>).payload.subject.id);
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

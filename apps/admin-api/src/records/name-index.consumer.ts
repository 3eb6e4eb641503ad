import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { INTERNAL_TOPICS, KinlinkEvent } from '@kinlink/contracts';
import { RecordNameIndex } from './name-index';

/** Keeps the in-memory name index current with the records the projection consumer stores. */
@Controller()
export class RecordNameIndexConsumer {
  constructor(private readonly index: RecordNameIndex) {}

  @EventPattern(INTERNAL_TOPICS.records)
  onRecord(@Payload() e: KinlinkEvent) {
    this.index.apply(e);
  }
}

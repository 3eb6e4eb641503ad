import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { INTERNAL_TOPICS, KinlinkEvent } from '@kinlink/contracts';
import { OpenedRecords } from '../projections/opened-records';
import { RecordNameIndex } from './name-index';

const CHANGES = new Set(['child.registered', 'child.updated', 'tracing-request.filed', 'tracing-request.updated']);

/**
 * Keeps the in-memory name index (an intended plaintext view, memory only) current with the
 * records the projection consumer stores; an erased subject leaves it at once.
 */
@Controller()
export class RecordNameIndexConsumer {
  constructor(private readonly index: RecordNameIndex, private readonly opened: OpenedRecords) {}

  @EventPattern(INTERNAL_TOPICS.records)
  async onRecord(@Payload() e: KinlinkEvent) {
    if (e.type === 'subject.erased') {
      this.index.remove((e as KinlinkEvent<'subject.erased'>).payload.subject.id);
      return;
    }
    if (!CHANGES.has(e.type)) return;
    const data = await this.opened.data(e);
    if (!data) return;
    const key = e.type.startsWith('child.') ? 'record' : 'request';
    this.index.apply({ ...e, payload: { ...(e.payload as object), [key]: data } } as unknown as KinlinkEvent);
  }
}

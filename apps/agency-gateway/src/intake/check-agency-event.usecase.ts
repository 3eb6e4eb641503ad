import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AgencyEventCheck, AgencyNotification, checkAgencyEvent, MessageSource, newEvent, recordIdOf, TopicNames } from '@kinlink/contracts';
import { EventPublisher } from '@kinlink/kafka';
import { SubjectCipher, SubjectErasedError } from '@kinlink/privacy';
import { AgencyEventRefused } from './intake.errors';

export interface InboundAgencyMessage extends MessageSource {
  value: Buffer | null;
}

/**
 * The contract gate. A valid agency event becomes `agency-event.accepted` on the intake topic
 * (keyed by the agency's record, so one record's events stay in order). An invalid one is
 * reported to its agency's outbound topic and thrown as AgencyEventRefused, which the transport
 * dead-letters with the reason; the partition moves on.
 *
 * The accepted event's `data` is sealed under the record's subject key (the gateway never opens
 * it again); an event about an erased record is not taken in.
 */
@Injectable()
export class CheckAgencyEvent {
  private readonly logger = new Logger(CheckAgencyEvent.name);
  /** checks done by `prepare`, by message value, taken (once) by `execute` */
  private readonly checked = new WeakMap<Buffer, AgencyEventCheck>();
  constructor(private readonly publisher: EventPublisher, private readonly topics: TopicNames, private readonly cipher: SubjectCipher) {}

  /**
   * For a slice of inbound messages: checks them and gets or creates the keys of all the valid
   * ones' records in one round trip (instead of up to three statements per new record), so
   * `execute` finds them cached. Only valid events get a key, as they would one by one.
   */
  async prepare(messages: Array<{ topic: string; value: Buffer | null }>): Promise<void> {
    const subjects: string[] = [];
    for (const m of messages) {
      const topicAgency = this.topics.agencyOfInbound(m.topic);
      if (!topicAgency || !m.value) continue;
      const check = checkAgencyEvent(m.value, topicAgency);
      this.checked.set(m.value, check);
      if (check.ok) subjects.push(subjectIdOf(check.event));
    }
    await this.cipher.prefetch(subjects, { create: true });
  }

  async execute(message: InboundAgencyMessage): Promise<void> {
    const topicAgency = this.topics.agencyOfInbound(message.topic);
    if (!topicAgency) throw new Error(`not an agency inbound topic: ${message.topic}`);
    const memo = message.value ? this.checked.get(message.value) : undefined;
    // taken once: a retry of the message checks again
    if (memo) this.checked.delete(message.value!);
    const check = memo ?? checkAgencyEvent(message.value, topicAgency);
    if (!check.ok) {
      const notice: AgencyNotification = {
        notificationId: randomUUID(), type: 'event.rejected', schemaVersion: 1, agencyId: topicAgency,
        occurredAt: new Date().toISOString(), rejection: check.rejection,
        source: { partition: message.partition, offset: message.offset },
      };
      await this.publisher.sendRecords([{
        topic: this.topics.agencyOutbound(topicAgency), key: check.rejection.eventId ?? `${message.partition}:${message.offset}`,
        value: JSON.stringify(notice), headers: { 'notification-type': notice.type },
      }]);
      throw new AgencyEventRefused(check.rejection);
    }
    const { data, ...event } = check.event;
    const subjectId = subjectIdOf(event);
    const eventId = randomUUID();
    let sealed;
    try {
      sealed = await this.cipher.seal(subjectId, eventId, { data });
    } catch (e) {
      if (!(e instanceof SubjectErasedError)) throw e;
      this.logger.warn(`agency event ${event.eventId} (${event.type}) is about an erased record: not taken in`);
      return;
    }
    const accepted = newEvent('agency-event.accepted', {
      eventId,
      correlationId: event.correlationId ?? event.eventId,
      causationId: event.eventId,
      actor: { id: `agency:${event.agencyId}`, role: 'agency', agencyId: event.agencyId },
      subject: { type: 'agency-event', id: `${event.agencyId}:${event.agencyRecordId}` },
      payload: { event: { ...event, subjectId, data: sealed.data }, source: { topic: message.topic, partition: message.partition, offset: message.offset } },
    });
    await this.publisher.publish([accepted]);
  }
}

/** The record's Kinlink id, derived, so the gateway seals under the right key before the registry has seen the record. */
function subjectIdOf(event: { type: string; agencyId: string; agencyRecordId: string }): string {
  return recordIdOf(event.type.startsWith('child.') ? 'child' : 'tracing-request', event.agencyId, event.agencyRecordId);
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AgencyNotification, checkAgencyEvent, MessageSource, newEvent, TopicNames } from '@kinlink/contracts';
import { EventPublisher } from '@kinlink/kafka';
import { AgencyEventRefused } from './intake.errors';

export interface InboundAgencyMessage extends MessageSource {
  value: Buffer | null;
}

/**
 * The contract gate. A valid agency event becomes `agency-event.accepted` on the intake topic
 * (keyed by the agency's record, so one record's events stay in order). An invalid one is
 * reported to its agency's outbound topic and thrown as AgencyEventRefused, which the transport
 * dead-letters with the reason; the partition moves on.
 */
@Injectable()
export class CheckAgencyEvent {
  constructor(private readonly publisher: EventPublisher, private readonly topics: TopicNames) {}

  async execute(message: InboundAgencyMessage): Promise<void> {
    const topicAgency = this.topics.agencyOfInbound(message.topic);
    if (!topicAgency) throw new Error(`not an agency inbound topic: ${message.topic}`);
    const check = checkAgencyEvent(message.value, topicAgency);
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
    const event = check.event;
    const accepted = newEvent('agency-event.accepted', {
      correlationId: event.correlationId ?? event.eventId,
      causationId: event.eventId,
      actor: { id: `agency:${event.agencyId}`, role: 'agency', agencyId: event.agencyId },
      subject: { type: 'agency-event', id: `${event.agencyId}:${event.agencyRecordId}` },
      payload: { event, source: { topic: message.topic, partition: message.partition, offset: message.offset } },
    });
    await this.publisher.publish([accepted]);
  }
}

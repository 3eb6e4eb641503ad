import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AgencyEvent, KinlinkEvent, newEvent, RecordRef } from '@kinlink/contracts';
import { UnitOfWork } from '@kinlink/kafka';
import { ChildEntity, TracingRequestEntity } from './record.entities';
import { decideRecordChange, RecordChange } from './record-change';

export const REGISTRY_CONSUMER = 'registry.intake';

/**
 * Applies one accepted agency event to the registry: creates, updates or closes the child or
 * tracing request it names, and publishes the record event that matching, cases and audit follow.
 * Idempotent by the agency event id.
 */
@Injectable()
export class ApplyAgencyEvent {
  private readonly logger = new Logger(ApplyAgencyEvent.name);
  constructor(private readonly uow: UnitOfWork) {}

  async execute(accepted: KinlinkEvent<'agency-event.accepted'>): Promise<void> {
    const agencyEvent = accepted.payload.event;
    const outcome = await this.uow.once(REGISTRY_CONSUMER, agencyEvent.eventId, (m) => this.apply(m, agencyEvent, accepted));
    if (outcome.duplicate) this.logger.debug(`agency event ${agencyEvent.eventId} already applied`);
  }

  private async apply(m: EntityManager, event: AgencyEvent, accepted: KinlinkEvent): Promise<{ result: RecordChange; events: KinlinkEvent[] }> {
    const isChild = event.type.startsWith('child.');
    const entity = isChild ? ChildEntity : TracingRequestEntity;
    const repo = m.getRepository<ChildEntity | TracingRequestEntity>(entity);
    const existing = await repo.findOne({
      where: { agencyId: event.agencyId, agencyRecordId: event.agencyRecordId },
      lock: { mode: 'pessimistic_write' },
    });
    const change = decideRecordChange(existing ?? undefined, event);
    if (change.action === 'none') return { result: change, events: [] };

    const id = existing?.id ?? randomUUID();
    const revision = (existing?.revision ?? 0) + 1;
    if (change.action === 'create') {
      await repo.insert({ id, agencyId: event.agencyId, agencyRecordId: event.agencyRecordId, revision, status: 'open', data: change.data as never, closure: null });
    } else if (change.action === 'update') {
      await repo.update({ id }, { revision, data: change.data as never });
    } else {
      await repo.update({ id }, { revision, status: 'closed', closure: change.closure });
    }

    const ref: RecordRef = { id, agencyId: event.agencyId, agencyRecordId: event.agencyRecordId };
    const common = {
      correlationId: accepted.correlationId,
      causationId: accepted.eventId,
      actor: { id: `agency:${event.agencyId}`, role: 'agency' as const, agencyId: event.agencyId },
      subject: { type: isChild ? ('child' as const) : ('tracing-request' as const), id },
    };
    const type = recordEventType(isChild, change.action, existing !== null);
    const out =
      change.action === 'close'
        ? newEvent(isChild ? 'child.closed' : 'tracing-request.closed', { ...common, payload: { ...ref, revision, closure: change.closure } })
        : isChild
          ? newEvent(type as 'child.registered' | 'child.updated', { ...common, payload: { ...ref, revision, record: change.data as never } })
          : newEvent(type as 'tracing-request.filed' | 'tracing-request.updated', { ...common, payload: { ...ref, revision, request: change.data as never } });
    return { result: change, events: [out as KinlinkEvent] };
  }
}

function recordEventType(isChild: boolean, action: 'create' | 'update' | 'close', existed: boolean) {
  if (action === 'close') return isChild ? 'child.closed' : 'tracing-request.closed';
  const created = action === 'create' && !existed;
  if (isChild) return created ? 'child.registered' : 'child.updated';
  return created ? 'tracing-request.filed' : 'tracing-request.updated';
}

import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AgencyEvent, KinlinkEvent, newEvent, recordIdOf, RecordRef, SealedField } from '@kinlink/contracts';
import { schemaOf } from '@kinlink/database';
import { UnitOfWork } from '@kinlink/kafka';
import { sealClosure, sealRecord, SubjectCipher } from '@kinlink/privacy';
import type { ChildEntity } from './record.entities';
import { decideRecordChange, RecordChange } from './record-change';

export const REGISTRY_CONSUMER = 'registry.intake';

/** Where a record's data is sealed at rest: bound to its table and id, so a row cannot be swapped for another's. */
export const atRest = (table: 'child' | 'tracing_request', id: string) => `registry.${table}/${id}`;

/**
 * Applies one accepted agency event to the registry: creates, updates or closes the child or
 * tracing request it names, and publishes the record event that matching, cases and audit follow.
 * Idempotent by the agency event id. The registry is the system of record: it opens the intake
 * event's data, keeps it sealed at rest, and seals each part again into the record event.
 */
@Injectable()
export class ApplyAgencyEvent {
  private readonly logger = new Logger(ApplyAgencyEvent.name);
  constructor(private readonly uow: UnitOfWork, private readonly cipher: SubjectCipher) {}

  async execute(accepted: KinlinkEvent<'agency-event.accepted'>): Promise<void> {
    const sealed = accepted.payload.event;
    const opened = await this.cipher.open(sealed.subjectId, accepted.eventId, { data: sealed.data });
    if (!opened) {
      this.logger.warn(`agency event ${sealed.eventId} is about an erased record: not applied`);
      return;
    }
    const agencyEvent = { ...sealed, data: opened.data } as unknown as AgencyEvent;
    delete (agencyEvent as { subjectId?: string }).subjectId;
    const outcome = await this.uow.once(REGISTRY_CONSUMER, agencyEvent.eventId, (m) => this.apply(m, agencyEvent, accepted));
    if (outcome.duplicate) this.logger.debug(`agency event ${agencyEvent.eventId} already applied`);
  }

  private async apply(m: EntityManager, event: AgencyEvent, accepted: KinlinkEvent): Promise<{ result: RecordChange; events: KinlinkEvent[] }> {
    const isChild = event.type.startsWith('child.');
    const table = isChild ? 'child' : 'tracing_request';
    // plain statements on the hot path: TypeORM's query building and hydration were ≈ 30 % of the registry's CPU
    const tableName = `"${schemaOf(m.connection)}".${table}`;
    const [existing]: Array<Pick<ChildEntity, 'id' | 'revision' | 'status' | 'data'>> = await m.query(
      `SELECT id, revision, status, data FROM ${tableName} WHERE agency_id = $1 AND agency_record_id = $2 FOR UPDATE`,
      [event.agencyId, event.agencyRecordId]);
    if (existing?.status === 'erased') {
      this.logger.warn(`agency event ${event.eventId} is about an erased record: not applied`);
      return { result: { action: 'none', reason: 'erased' }, events: [] };
    }
    const id = existing?.id ?? recordIdOf(isChild ? 'child' : 'tracing-request', event.agencyId, event.agencyRecordId);
    const stored = existing ? await this.openStored(table, existing) : undefined;
    const change = decideRecordChange(stored, event);
    if (change.action === 'none') return { result: change, events: [] };

    const revision = (existing?.revision ?? 0) + 1;
    if (change.action === 'create') {
      const data = await this.cipher.seal(id, atRest(table, id), { data: change.data });
      await m.query(`INSERT INTO ${tableName} (id, agency_id, agency_record_id, revision, status, data, closure) VALUES ($1, $2, $3, $4, 'open', $5, NULL)`,
        [id, event.agencyId, event.agencyRecordId, revision, JSON.stringify(data)]);
    } else if (change.action === 'update') {
      const data = await this.cipher.seal(id, atRest(table, id), { data: change.data });
      await m.query(`UPDATE ${tableName} SET revision = $2, data = $3, updated_at = now() WHERE id = $1`, [id, revision, JSON.stringify(data)]);
    } else {
      const closure = await sealClosure(this.cipher, id, atRest(table, id), change.closure);
      await m.query(`UPDATE ${tableName} SET revision = $2, status = 'closed', closure = $3, updated_at = now() WHERE id = $1`, [id, revision, JSON.stringify(closure)]);
    }

    const ref: RecordRef = { id, agencyId: event.agencyId, agencyRecordId: event.agencyRecordId };
    const eventId = randomUUID();
    const common = {
      eventId,
      correlationId: accepted.correlationId,
      causationId: accepted.eventId,
      actor: { id: `agency:${event.agencyId}`, role: 'agency' as const, agencyId: event.agencyId },
      subject: { type: isChild ? ('child' as const) : ('tracing-request' as const), id },
    };
    const type = recordEventType(isChild, change.action, existing !== undefined);
    const consentOf = (d: unknown) => JSON.stringify((d as { consent?: unknown } | undefined)?.consent ?? null);
    const consentChanged = change.action === 'update' && consentOf(stored?.data) !== consentOf(change.data);
    let out: KinlinkEvent;
    if (change.action === 'close') {
      const closure = await sealClosure(this.cipher, id, eventId, change.closure);
      out = newEvent(isChild ? 'child.closed' : 'tracing-request.closed', { ...common, payload: { ...ref, revision, closure } }) as KinlinkEvent;
    } else if (isChild) {
      const record = await sealRecord(this.cipher, 'child', id, eventId, change.data as object);
      out = newEvent(type as 'child.registered' | 'child.updated', { ...common, payload: { ...ref, revision, record, ...(consentChanged ? { reasonCode: 'consent_changed' as const } : {}) } }) as KinlinkEvent;
    } else {
      const request = await sealRecord(this.cipher, 'tracing-request', id, eventId, change.data as object);
      out = newEvent(type as 'tracing-request.filed' | 'tracing-request.updated', { ...common, payload: { ...ref, revision, request, ...(consentChanged ? { reasonCode: 'consent_changed' as const } : {}) } }) as KinlinkEvent;
    }
    return { result: change, events: [out] };
  }

  /** The stored record with its data opened (a row from before sealing at rest is read as it is). */
  private async openStored(table: 'child' | 'tracing_request', row: Pick<ChildEntity, 'id' | 'revision' | 'status' | 'data'>) {
    const raw = row.data as unknown as { data?: SealedField } & Record<string, unknown>;
    if (!raw?.data || typeof raw.data !== 'object' || !('ct' in raw.data)) return { revision: row.revision, status: row.status as 'open' | 'closed', data: raw };
    const opened = await this.cipher.open(row.id, atRest(table, row.id), { data: raw.data });
    return { revision: row.revision, status: row.status as 'open' | 'closed', data: opened?.data };
  }
}

function recordEventType(isChild: boolean, action: 'create' | 'update' | 'close', existed: boolean) {
  if (action === 'close') return isChild ? 'child.closed' : 'tracing-request.closed';
  const created = action === 'create' && !existed;
  if (isChild) return created ? 'child.registered' : 'child.updated';
  return created ? 'tracing-request.filed' : 'tracing-request.updated';
}

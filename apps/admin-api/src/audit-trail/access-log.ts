import { Injectable } from '@nestjs/common';
import { KinlinkEvent, newEvent, ReadTarget, RecordRead } from '@kinlink/contracts';
import { UnitOfWork } from '@kinlink/kafka';
import type { AuthUser } from '../auth';
import { ApiError } from '../common/api.errors';

/** What was read: a child, a tracing request (or a proposal / case), or a part of the audit log. */
export type ReadSubject = ReadTarget;

export interface ReadDetails {
  /** the API operation, e.g. `GET /children/:id` */
  operation?: string;
  /** query parameters worth recording (ids, sizes, filters — never personal data) */
  query?: Record<string, string | number | boolean | undefined>;
  /** `full` or `minimal` view */
  access?: 'full' | 'minimal';
}

const PURPOSE = /^[a-z][a-z0-9_.-]{0,63}$/;
const ID = /^[A-Za-z0-9:#_./-]{1,200}$/;
const TYPES = new Set<ReadTarget['type']>(['child', 'tracing-request', 'proposal', 'case', 'audit-log']);

/**
 * Read logging (requirement R6): every read of a child's or tracing request's record, and every
 * read of the audit log, becomes an audit leaf — who (actor, role, agency), why (purpose) and
 * which record. Call it after the scope check and before returning the data:
 *
 *   await this.accessLog.recordRead(user, { type: 'child', id, agencyId: row.agency_id }, 'case-management',
 *     { operation: 'GET /children/:id', access: 'full' });
 *
 * The `record.read` event goes out through the admin API's outbox (topic `access-log`, consumed
 * by the audit service) in one transaction with a copy of the payload in `admin_api.access_read`,
 * so a read is never served without its log entry, and the auditor's view can show what the read
 * leaf's payload hash commits to. Throws (the read must fail) if the log cannot be written.
 */
@Injectable()
export class AccessLog {
  constructor(private readonly uow: UnitOfWork) {}

  /** Logs one read. Returns the event id (the leaf's `eventId`). */
  async recordRead(user: AuthUser, subject: ReadSubject, purpose: string, details: ReadDetails = {}): Promise<string> {
    const [id] = await this.recordReads(user, [subject], purpose, details);
    return id;
  }

  /** Logs the read of several records at once (a proposal's two sides, a page of search results): one leaf each. */
  async recordReads(user: AuthUser, subjects: readonly ReadSubject[], purpose: string, details: ReadDetails = {}): Promise<string[]> {
    if (!PURPOSE.test(purpose)) throw new Error(`invalid read purpose "${purpose}"`);
    const events = subjects.map((s) => this.event(user, s, purpose, details));
    if (events.length === 0) return [];
    await this.uow.run(async (m) => {
      await m.query(
        `INSERT INTO admin_api.access_read (event_id, actor_id, payload)
         SELECT e, $1, p FROM unnest($2::uuid[], $3::jsonb[]) AS t(e, p)`,
        [user.id, events.map((e) => e.eventId), events.map((e) => JSON.stringify(e.payload))]);
      return { result: undefined, events: events as KinlinkEvent[] };
    });
    return events.map((e) => e.eventId);
  }

  private event(user: AuthUser, subject: ReadSubject, purpose: string, details: ReadDetails): KinlinkEvent<'record.read'> {
    if (!TYPES.has(subject.type) || !ID.test(subject.id)) throw new ApiError('invalid_request', 'invalid record reference');
    const query = details.query
      ? Object.fromEntries(Object.entries(details.query).filter((kv): kv is [string, string | number | boolean] => kv[1] !== undefined))
      : undefined;
    const payload: RecordRead = {
      record: { type: subject.type, id: subject.id, ...(subject.agencyId ? { agencyId: subject.agencyId } : {}) },
      purpose,
      ...(details.operation ? { operation: details.operation } : {}),
      ...(query && Object.keys(query).length ? { query } : {}),
      ...(details.access ? { access: details.access } : {}),
    };
    const event = newEvent('record.read', {
      correlationId: '',
      actor: { id: user.id, role: user.role, agencyId: user.agencyId },
      subject: { type: subject.type, id: subject.id },
      payload,
    });
    event.correlationId = event.eventId;
    return event;
  }
}

import { Injectable, Logger, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EntityManager } from 'typeorm';
import { KinlinkEvent, RecordRef, TopicNames } from '@kinlink/contracts';
import { addToOutbox, OutboxEntry } from '@kinlink/database';
import { UnitOfWork } from '@kinlink/kafka';
import { AgencyRegistry } from '../agencies/agency-registry';
import { NoticePlan, NoticeRecord, noticeFor, OutboundNotice, planNotices, RecordOwner } from './notices';
import { isHeldFrom, protectionHoldOf, proposalIdOf } from './protection-hold';

export const NOTIFY_CONSUMER = 'agency-gateway.notify';
export const RECORDS_CONSUMER = 'agency-gateway.records';

const RECORD_EVENTS = ['child.registered', 'child.updated', 'child.closed', 'tracing-request.filed', 'tracing-request.updated', 'tracing-request.closed'];

interface OwnerRow { record_id: string; record_type: 'child' | 'tracing-request'; agency_id: string; agency_record_id: string }

/**
 * Tells agencies about proposals, decisions and case steps that involve their records, on their
 * outbound topic, keyed by their own record id. Each handler is once per event (inbox) and its
 * notices leave through the outbox, in the same transaction.
 *
 * The agency's own record id is learned from the `records` topic. A notice about a record not
 * learned yet (its registration is still on its way) waits in `pending_notice` and leaves when the
 * record is learned; both paths take the record's advisory lock, so none is left behind.
 */
@Injectable()
export class AgencyNotices {
  private readonly logger = new Logger(AgencyNotices.name);
  private readonly bootAgencies: ReadonlySet<string>;

  constructor(
    private readonly uow: UnitOfWork, private readonly topics: TopicNames, config: ConfigService,
    @Optional() private readonly registry?: AgencyRegistry,
  ) {
    this.bootAgencies = new Set(config.getOrThrow<string[]>('AGENCIES'));
  }

  /** Agencies with an outbound topic now: configured or registered, and not revoked. */
  private hasOutbound(agencyId: string): boolean {
    return this.registry ? this.registry.accepts(agencyId) : this.bootAgencies.has(agencyId);
  }

  /** `records`: learn which agency owns the record and under which id; release what waited for it. */
  async learnRecord(event: KinlinkEvent): Promise<void> {
    if (!RECORD_EVENTS.includes(event.type)) return;
    const r = event.payload as RecordRef;
    const recordType = event.type.startsWith('child.') ? 'child' : 'tracing-request';
    await this.uow.once(RECORDS_CONSUMER, event.eventId, async (m) => {
      await lockRecords(m, [r.id]);
      await m.query(
        `INSERT INTO agency_gateway.record_owner (record_id, record_type, agency_id, agency_record_id) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING`,
        [r.id, recordType, r.agencyId, r.agencyRecordId],
      );
      const owner = (await this.owners(m, [r.id])).get(r.id)!;
      const waiting: Array<{ id: string; record: NoticeRecord; plan: NoticePlan }> = await m.query(
        'SELECT id, record, plan FROM agency_gateway.pending_notice WHERE record_id = $1 ORDER BY id', [r.id]);
      const notices = waiting.map((w) => noticeFor(w.plan, w.record, owner)).filter((n): n is OutboundNotice => n !== null);
      if (waiting.length) await m.query('DELETE FROM agency_gateway.pending_notice WHERE id = ANY($1::bigint[])', [waiting.map((w) => w.id)]);
      await this.send(m, notices);
      return { result: notices.length, events: [] };
    });
  }

  /**
   * `matches` and `cases`: a proposal, a decision, a case opened or moved. A proposal held for a
   * protection review (child at elevated/high safeguarding) tells only the child's agency; notices
   * for other agencies wait in `held_notice` until `proposal.protection-changed` released.
   */
  async notify(event: KinlinkEvent): Promise<void> {
    if (event.type === 'proposal.protection-changed') return this.protectionChanged(event);
    const plan = planNotices(event);
    if (!plan || plan.records.length === 0) return;
    const proposalId = proposalIdOf(event);
    await this.uow.once(NOTIFY_CONSUMER, event.eventId, async (m) => {
      let hold: { child_agency: string } | undefined;
      if (proposalId) {
        await lockKey(m, `agency_gateway.proposal:${proposalId}`);
        const start = protectionHoldOf(event);
        if (start) {
          await m.query(`INSERT INTO agency_gateway.protection_hold (proposal_id, status, child_agency, level) VALUES ($1,'pending',$2,$3) ON CONFLICT DO NOTHING`,
            [start.proposalId, start.childAgencyId, start.level]);
        }
        [hold] = await m.query(`SELECT child_agency FROM agency_gateway.protection_hold WHERE proposal_id = $1 AND status = 'pending'`, [proposalId]);
      }
      const ids = plan.records.map((r) => r.recordId);
      await lockRecords(m, ids);
      const owners = await this.owners(m, ids);
      const notices: OutboundNotice[] = [];
      for (const record of plan.records) {
        const owner = owners.get(record.recordId);
        if (hold && isHeldFrom(hold.child_agency, owner?.agencyId ?? record.agencyId)) {
          await m.query('INSERT INTO agency_gateway.held_notice (proposal_id, record, plan) VALUES ($1,$2,$3)', [proposalId, record, plan]);
          continue;
        }
        if (!owner) {
          await m.query('INSERT INTO agency_gateway.pending_notice (record_id, record, plan) VALUES ($1,$2,$3)', [record.recordId, record, plan]);
          continue;
        }
        const notice = noticeFor(plan, record, owner);
        if (notice) notices.push(notice);
      }
      await this.send(m, notices);
      return { result: notices.length, events: [] };
    });
  }

  /** Held (pending): remembered. Released: the held notices leave, in order, and nothing is held again. */
  private async protectionChanged(event: KinlinkEvent): Promise<void> {
    const p = (event as KinlinkEvent<'proposal.protection-changed'>).payload;
    await this.uow.once(NOTIFY_CONSUMER, event.eventId, async (m) => {
      await lockKey(m, `agency_gateway.proposal:${p.proposalId}`);
      if (p.status === 'pending') {
        await m.query(`INSERT INTO agency_gateway.protection_hold (proposal_id, status, child_agency, level) VALUES ($1,'pending',$2,$3) ON CONFLICT DO NOTHING`,
          [p.proposalId, p.childAgencyId, p.level]);
        return { result: 0, events: [] };
      }
      await m.query(
        `INSERT INTO agency_gateway.protection_hold (proposal_id, status, child_agency, level) VALUES ($1,'released',$2,$3)
         ON CONFLICT (proposal_id) DO UPDATE SET status = 'released', updated_at = now()`, [p.proposalId, p.childAgencyId, p.level]);
      const held: Array<{ id: string; record: NoticeRecord; plan: NoticePlan }> = await m.query(
        'SELECT id, record, plan FROM agency_gateway.held_notice WHERE proposal_id = $1 ORDER BY id', [p.proposalId]);
      if (!held.length) return { result: 0, events: [] };
      await m.query('DELETE FROM agency_gateway.held_notice WHERE id = ANY($1::bigint[])', [held.map((h) => h.id)]);
      const ids = held.map((h) => h.record.recordId);
      await lockRecords(m, ids);
      const owners = await this.owners(m, ids);
      const notices: OutboundNotice[] = [];
      for (const h of held) {
        const owner = owners.get(h.record.recordId);
        if (!owner) {
          await m.query('INSERT INTO agency_gateway.pending_notice (record_id, record, plan) VALUES ($1,$2,$3)', [h.record.recordId, h.record, h.plan]);
          continue;
        }
        const notice = noticeFor(h.plan, h.record, owner);
        if (notice) notices.push(notice);
      }
      await this.send(m, notices);
      return { result: notices.length, events: [] };
    });
  }

  private async owners(m: EntityManager, ids: string[]): Promise<Map<string, RecordOwner>> {
    const rows: OwnerRow[] = await m.query('SELECT * FROM agency_gateway.record_owner WHERE record_id = ANY($1::uuid[])', [ids]);
    return new Map(rows.map((r) => [r.record_id, { agencyId: r.agency_id, agencyRecordId: r.agency_record_id, recordType: r.record_type }]));
  }

  private async send(m: EntityManager, notices: OutboundNotice[]): Promise<void> {
    const entries: OutboxEntry[] = [];
    for (const n of notices) {
      // an agency without an outbound topic (unknown or revoked) would block the outbox: never queue for it
      if (!this.hasOutbound(n.agencyId)) {
        this.logger.warn(`no outbound topic for agency ${n.agencyId}: ${n.notification.type} ${n.notification.notificationId} not sent`);
        continue;
      }
      entries.push({
        topic: this.topics.agencyOutbound(n.agencyId),
        key: n.key,
        headers: { 'notification-type': n.notification.type, 'notification-id': n.notification.notificationId },
        payload: n.notification,
      });
    }
    await addToOutbox(m, entries);
  }
}

async function lockKey(m: EntityManager, key: string): Promise<void> {
  await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
}

/** Serialises the handlers touching one record (sorted, so two handlers never deadlock). */
async function lockRecords(m: EntityManager, recordIds: string[]): Promise<void> {
  for (const id of [...new Set(recordIds)].sort()) {
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`agency_gateway.record:${id}`]);
  }
}

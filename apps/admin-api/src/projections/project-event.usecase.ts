import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { KinlinkEvent, MatchProposed } from '@kinlink/contracts';
import { UnitOfWork } from '@kinlink/kafka';
import { advanceAuditTree, projectAuditAppended, projectAuditCheckpoint } from '../audit-trail/audit-projection';
import { visibleFacts } from '../records/record-facts';
import { OpenedRecords } from './opened-records';

export const PROJECTION_CONSUMER = 'admin-api.projection';

const RECORD_CHANGES = new Set(['child.registered', 'child.updated', 'tracing-request.filed', 'tracing-request.updated']);
type Handler = (m: EntityManager, e: KinlinkEvent, opened?: unknown) => Promise<void>;
const P = (e: KinlinkEvent) => e.payload as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Keeps the admin API's read models up to date from the services' events, once per event.
 * Record revisions and case versions only move forward, so a late or repeated event cannot
 * overwrite newer state.
 */
@Injectable()
export class ProjectEvent {
  constructor(private readonly uow: UnitOfWork, private readonly opened: OpenedRecords) {}

  async execute(event: KinlinkEvent): Promise<void> {
    const handler = this.handlers[event.type];
    if (!handler) return;
    // records are opened before the transaction (key vault round trip); an erased subject's late event is not projected
    let plain: unknown;
    if (RECORD_CHANGES.has(event.type)) {
      plain = await this.opened.data(event);
      if (plain === undefined) return;
    }
    if (event.type === 'subject.erased') this.opened.cipher.forget((event as KinlinkEvent<'subject.erased'>).payload.subject.id);
    await this.uow.once(PROJECTION_CONSUMER, event.eventId, async (m) => {
      await handler(m, event, plain);
      return { result: undefined, events: [] };
    });
  }

  private readonly handlers: Partial<Record<KinlinkEvent['type'], Handler>> = {
    'child.registered': (m, e, d) => upsertRecord(m, e, 'child', d),
    'child.updated': (m, e, d) => upsertRecord(m, e, 'child', d),
    'child.closed': (m, e) => closeRecord(m, e),
    'tracing-request.filed': (m, e, d) => upsertRecord(m, e, 'tracing-request', d),
    'tracing-request.updated': (m, e, d) => upsertRecord(m, e, 'tracing-request', d),
    'tracing-request.closed': (m, e) => closeRecord(m, e),
    'subject.erased': async (m, e) => {
      const p = (e as KinlinkEvent<'subject.erased'>).payload;
      // the decrypted copy goes; ids, agency and status stay so the API can answer `[erased]`
      // (a replay into a fresh projection never saw the record: the tombstone row is made here)
      await m.query(
        `INSERT INTO admin_api.record_view (id, kind, agency_id, agency_record_id, revision, status, data, registered_at, updated_at)
         VALUES ($1, $2, $3, $4, 0, 'erased', '{}'::jsonb, $5, $5)
         ON CONFLICT (id) DO UPDATE SET status = 'erased', data = '{}'::jsonb, sealed = NULL, closure = NULL, updated_at = GREATEST(admin_api.record_view.updated_at, $5)`,
        [p.subject.id, p.subject.type, p.agencyId, p.agencyRecordId, e.occurredAt]);
      await recordOutcome(m, p.commandId, 'accepted', 200, { subject: p.subject, status: 'erased' });
    },
    'match.proposed': async (m, e) => {
      const p = P(e);
      // a re-proposal (a record changed) puts a decided pair back to pending review
      await m.query(
        `INSERT INTO admin_api.proposal_view (id, kind, left_side, right_side, left_agency, right_agency, probability, score,
           explanation, model_version, fingerprint, status, created_at, updated_at, explanation_values)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,'pending',$12,$12,$13)
         ON CONFLICT (id) DO UPDATE SET probability = EXCLUDED.probability, score = EXCLUDED.score, explanation = EXCLUDED.explanation,
           explanation_values = EXCLUDED.explanation_values,
           model_version = EXCLUDED.model_version, fingerprint = EXCLUDED.fingerprint, updated_at = EXCLUDED.updated_at, rescored = NULL,
           status = CASE WHEN admin_api.proposal_view.status IN ('confirmed', 'superseded') THEN admin_api.proposal_view.status ELSE 'pending' END`,
        [p.proposalId, p.kind, p.left, p.right, p.left.agencyId, p.right.agencyId, p.probability, p.score,
          JSON.stringify(p.explanation), p.modelVersion, p.fingerprint, e.occurredAt,
          // the compared values stay sealed at rest (bound to the event id), opened per read
          p.values ? { eventId: e.eventId, values: p.values } : null],
      );
      await holdForProtectionReview(m, e);
    },
    'match.rescored': async (m, e) => {
      const p = (e as KinlinkEvent<'match.rescored'>).payload;
      // probability, score and explanation only: the status and decision stay (a rejected pair stays rejected);
      // a re-score of an older version of the pair (since proposed again) changes nothing
      await m.query(
        `UPDATE admin_api.proposal_view SET probability = $2, score = $3, explanation = $4, explanation_values = $5, model_version = $6,
           rescored = jsonb_build_object('previousProbability', $7::float8, 'reason', $8::text, 'at', $9::text), updated_at = GREATEST(updated_at, $11::timestamptz)
         WHERE id = $1 AND fingerprint = $10`,
        [p.proposalId, p.probability, p.score, JSON.stringify(p.explanation), p.values ? { eventId: e.eventId, values: p.values } : null, p.modelVersion,
          p.previousProbability, p.reason, e.occurredAt, p.fingerprint, e.occurredAt]);
    },
    'proposal.protection-changed': async (m, e) => {
      const p = P(e);
      await m.query(
        `UPDATE admin_api.proposal_view SET protection_status = $2, protection_level = $3, protection_agency = $4, updated_at = GREATEST(updated_at, $5)
         WHERE id = $1 AND protection_status IS DISTINCT FROM 'released'`, [p.proposalId, p.status, p.level, p.childAgencyId, e.occurredAt]);
      if (p.status === 'released' && p.commandId) {
        const [row]: Array<{ status: string }> = await m.query('SELECT status FROM admin_api.proposal_view WHERE id = $1', [p.proposalId]);
        await recordOutcome(m, p.commandId, 'accepted', 200, { proposalId: p.proposalId, status: row?.status ?? 'pending', protectionStatus: 'released' });
      }
    },
    'match.withdrawn': async (m, e) => {
      await m.query(`UPDATE admin_api.proposal_view SET status = 'withdrawn', updated_at = $2 WHERE id = $1 AND status = 'pending'`, [P(e).proposalId, e.occurredAt]);
    },
    'proposal.decided': async (m, e) => {
      const p = P(e);
      await m.query(
        `UPDATE admin_api.proposal_view SET status = $2, decision = $3, case_id = COALESCE($4, case_id), updated_at = $5 WHERE id = $1`,
        [p.proposalId, p.status, { decision: p.decision, reasonCode: p.reasonCode, note: p.note, by: e.actor, at: e.occurredAt }, p.caseId ?? null, e.occurredAt],
      );
      await recordOutcome(m, p.commandId, 'accepted', 200, { proposalId: p.proposalId, status: p.status, caseId: p.caseId });
    },
    'proposal.superseded': async (m, e) => {
      await m.query(`UPDATE admin_api.proposal_view SET status = 'superseded', updated_at = $2 WHERE id = $1`, [P(e).proposalId, e.occurredAt]);
    },
    'case.opened': async (m, e) => {
      const p = P(e);
      const entry = { at: e.occurredAt, by: e.actor, from: null, to: p.status, commandId: p.commandId };
      await m.query(
        `INSERT INTO admin_api.case_view (id, proposal_id, child_id, tracing_request_id, child_agency, request_agency, status, version, timeline, created_at, updated_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,1,$8,$9,$9) ON CONFLICT (id) DO NOTHING`,
        [p.caseId, p.proposalId, p.childId, p.tracingRequestId, p.childAgencyId, p.requestAgencyId, p.status, JSON.stringify([entry]), e.occurredAt],
      );
    },
    'case.status-changed': async (m, e) => {
      const p = P(e);
      const entry = { at: e.occurredAt, by: e.actor, from: p.from, to: p.to, reasonCode: p.reasonCode, note: p.note, details: p.details, commandId: p.commandId };
      await m.query(
        `UPDATE admin_api.case_view SET status = $2, version = $3, timeline = timeline || $4::jsonb, updated_at = $5
         WHERE id = $1 AND version < $3`,
        [p.caseId, p.to, p.caseVersion, JSON.stringify([entry]), e.occurredAt],
      );
      if (p.commandId) await recordOutcome(m, p.commandId, 'accepted', 200, { caseId: p.caseId, from: p.from, to: p.to, version: p.caseVersion });
    },
    'command.rejected': async (m, e) => {
      const p = P(e);
      await recordOutcome(m, p.commandId, 'rejected', p.httpStatus, { code: p.code, rule: p.rule });
    },
    // the audit trail's read models (entries, the Merkle tree over their hashes, checkpoints): audit-trail/audit-projection.ts
    'audit.appended': (m, e) => projectAuditAppended(m, (e as KinlinkEvent<'audit.appended'>).payload,
      () => this.uow.atCommit(m, 'admin-api.audit-tree', (tm) => advanceAuditTree(tm).then(() => undefined))),
    'audit.checkpoint': (m, e) => projectAuditCheckpoint(m, (e as KinlinkEvent<'audit.checkpoint'>).payload),
  };
}

/**
 * A proposal for a child at elevated/high safeguarding is held from the moment it is known (the cases
 * service's `proposal.protection-changed` pending follows on another topic); a release is final.
 */
async function holdForProtectionReview(m: EntityManager, e: KinlinkEvent) {
  const p = e.payload as unknown as MatchProposed;
  const rank = { none: 0, elevated: 1, high: 2 } as const;
  const child = [p.left, p.right].filter((s) => s.type === 'child' && rank[s.safeguardingLevel ?? 'none'] > 0)
    .sort((a, b) => rank[b.safeguardingLevel ?? 'none'] - rank[a.safeguardingLevel ?? 'none'])[0];
  if (!child) return;
  await m.query(
    `UPDATE admin_api.proposal_view SET protection_status = 'pending', protection_level = $2, protection_agency = $3
     WHERE id = $1 AND protection_status IS NULL`, [p.proposalId, child.safeguardingLevel, child.agencyId]);
}

async function upsertRecord(m: EntityManager, e: KinlinkEvent, kind: 'child' | 'tracing-request', data: unknown) {
  const p = P(e);
  await m.query(
    `INSERT INTO admin_api.record_view (id, kind, agency_id, agency_record_id, revision, status, data, registered_at, updated_at, sealed)
     VALUES ($1,$2,$3,$4,$5,'open',$6,$7,$7,$8)
     ON CONFLICT (id) DO UPDATE SET revision = EXCLUDED.revision, data = EXCLUDED.data, updated_at = EXCLUDED.updated_at, sealed = EXCLUDED.sealed
     WHERE admin_api.record_view.revision < EXCLUDED.revision`,
    // in clear only facts that name nobody (for SQL); the record stays sealed as the event carried it
    [p.id, kind, p.agencyId, p.agencyRecordId, p.revision, visibleFacts(kind, data as Record<string, unknown>), e.occurredAt,
      { eventId: e.eventId, record: p.record ?? p.request }],
  );
}

async function closeRecord(m: EntityManager, e: KinlinkEvent) {
  const p = P(e);
  await m.query(
    `UPDATE admin_api.record_view SET status = 'closed', closure = $3, revision = $2, updated_at = $4 WHERE id = $1 AND revision < $2 AND status <> 'erased'`,
    [p.id, p.revision, { ...p.closure, ...(p.closure?.note ? { eventId: e.eventId } : {}) }, e.occurredAt],
  );
}

async function recordOutcome(m: EntityManager, commandId: string | undefined, outcome: 'accepted' | 'rejected', httpStatus: number, body: unknown) {
  if (!commandId) return;
  await m.query(
    `INSERT INTO admin_api.command_outcome (command_id, outcome, http_status, body) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING`,
    [commandId, outcome, httpStatus, body],
  );
}

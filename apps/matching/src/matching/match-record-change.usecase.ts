import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { FieldComparison, KinlinkEvent, MatchProposed, MatchRescored, newEvent, SealedExplanationValues, systemActor } from '@kinlink/contracts';
import { schemaOf } from '@kinlink/database';
import { UnitOfWork } from '@kinlink/kafka';
import type { MatchCandidate, MatchRecord } from '@kinlink/matching-engine';
import { openRecord, SubjectCipher } from '@kinlink/privacy';
import { CandidateIndex } from './candidate-index';
import { CandidateSnapshots } from './candidate-snapshots';
import { ReplicaFeed } from './replica-feed';
import { CandidateEntity, ProposalEntity } from './matching.entities';
import {
  childToMatchRecord, matchSideOf, OpenedChildChange, OpenedTracingRequestChange, pairFingerprint, profileFingerprint, subjectIdOf, tracingRequestToMatchRecords,
} from './match-records';
import { profilesOfChange, safeguardingLevelOf, sealProfile, StoredProfile } from './sealed-profile';
import { materialChange, MAX_RESCORED_PER_RECORD, MAX_TOUCHED, OpenProposalRow, pickForRescore, RescoreReason, RIVAL_FLOOR, RIVAL_MIN_ALONE, sideOfCandidateId, TouchedBy } from './rescore';

export const MATCHING_CONSUMER = 'matching.records';
type RecordEvent = KinlinkEvent<'child.registered' | 'child.updated' | 'child.closed' | 'tracing-request.filed' | 'tracing-request.updated' | 'tracing-request.closed' | 'subject.erased'>;
type Side = Pick<MatchRecord, 'id' | 'side' | 'agencyId'>;
/** records a change touched, by id */
type Touched = Map<string, TouchedBy>;

/**
 * Matches a new or changed record against the other side, on arrival, and proposes pairs.
 * A pair is proposed again only when one of its records changed (new fingerprint), so a
 * rejected pair stays rejected. A closed record leaves the index and its open proposals are withdrawn.
 * The open proposals of the records a change touched (the newcomer's candidates, or a leaving or
 * changed record's former ones) are scored again and, when their probability moved materially,
 * updated with `match.rescored` (rescore.ts).
 */
@Injectable()
export class MatchRecordChange {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly index: CandidateIndex,
    private readonly cipher: SubjectCipher,
    private readonly replica: ReplicaFeed,
    private readonly snapshots: CandidateSnapshots,
  ) {}

  async execute(event: RecordEvent): Promise<void> {
    if (event.type === 'subject.erased') return this.erase(event as KinlinkEvent<'subject.erased'>);
    const payload = event.payload as KinlinkEvent<'child.closed'>['payload'];
    const recordId = payload.id;
    const revision = payload.revision;
    const closed = event.type === 'child.closed' || event.type === 'tracing-request.closed';
    // only the parts matching compares are opened; an erased subject's late event is a closure
    const profiles = closed ? [] : (await profilesOfChange(this.cipher, event as never)) ?? [];
    const sealedProfiles = new Map<string, StoredProfile>();
    for (const p of profiles) sealedProfiles.set(p.id, await sealProfile(this.cipher, p));
    const safeguardingLevel = safeguardingLevelOf(event);

    // what the leaving or changing profiles touched, taken before they leave the index; kept for a retry
    // of the transaction (by then they are out of the index)
    let leftBehind: Touched | undefined;
    await this.uow.once(MATCHING_CONSUMER, event.eventId, async (m) => {
      // plain statements on the hot path (TypeORM's query building was ≈ 17 % of matching's CPU)
      const candidate = `"${schemaOf(m.connection)}".candidate`;
      const stored: Array<Pick<CandidateEntity, 'id' | 'side' | 'active' | 'revision' | 'fingerprint'>> = await m.query(
        `SELECT id, side, active, revision, fingerprint FROM ${candidate} WHERE record_id = $1 FOR UPDATE`, [recordId]);
      // Per-record order: a revision older than what is stored is stale (already superseded).
      if (stored.some((c) => c.revision >= revision)) return { result: 'stale', events: [] };

      const keep = new Set(profiles.map((p) => p.id));
      const dropped = stored.filter((c) => c.active && !keep.has(c.id)).map((c) => c.id);
      // a profile leaving, or changing what the engine compares, stops competing with its former candidates
      const fingerprints = new Map(profiles.map((p) => [p.id, profileFingerprint(p)]));
      const changedAway = stored.filter((c) => c.active && (!keep.has(c.id) || fingerprints.get(c.id) !== c.fingerprint));
      leftBehind ??= this.touchedBy(changedAway.map((c) => ({ id: c.id, side: c.side })), 'rival_left', (id) => this.index.engine.matchStored(id, RIVALS));
      for (const id of dropped) this.index.engine.remove(id);
      const events: KinlinkEvent[] = await this.withdraw(m, dropped, event);
      await m.query(`UPDATE ${candidate} SET active = false, revision = $2, updated_at = now() WHERE record_id = $1`, [recordId, revision]);

      // consent gates sharing: without consent for tracing, open proposals with other agencies are withdrawn now
      const withheld = profiles.filter((p) => !p.consentForTracing).map((p) => p.id);
      events.push(...(await this.withdraw(m, withheld, event, (other) => other.agencyId !== payload.agencyId)));
      const arrived: Touched = new Map();
      for (const profile of profiles) {
        const fingerprint = fingerprints.get(profile.id)!;
        await m.query(
          `INSERT INTO ${candidate} (id, record_id, side, agency_id, revision, active, profile, fingerprint, safeguarding_level) VALUES ($1, $2, $3, $4, $5, true, $6, $7, $8)
           ON CONFLICT (id) DO UPDATE SET record_id = EXCLUDED.record_id, side = EXCLUDED.side, agency_id = EXCLUDED.agency_id, revision = EXCLUDED.revision,
             active = true, profile = EXCLUDED.profile, fingerprint = EXCLUDED.fingerprint, safeguarding_level = EXCLUDED.safeguarding_level, updated_at = now()`,
          [profile.id, recordId, profile.side, profile.agencyId, revision, JSON.stringify(sealedProfiles.get(profile.id)!), fingerprint, safeguardingLevel ?? null]);
        // Index and match in one synchronous step, so of two records arriving together the second always sees the first.
        this.index.engine.upsert(profile);
        // one match for both: the proposals (at the threshold, explained) and the records this one now competes for
        const threshold = this.index.engine.threshold;
        const found = this.index.engine.match(profile, { minProbability: Math.min(threshold, RIVAL_FLOOR), limit: Math.max(this.index.maxProposals, MAX_TOUCHED), explainMin: threshold });
        const candidates = found.filter((c) => c.probability >= threshold).slice(0, this.index.maxProposals);
        events.push(...(await this.propose(m, { profile, fingerprint, safeguardingLevel }, candidates, event)));
        if (fingerprint !== stored.find((c) => c.id === profile.id && c.active)?.fingerprint) {
          for (const [id, t] of this.touchedBy([profile], 'rival_arrived', () => found)) if (!arrived.has(id)) arrived.set(id, t);
        }
      }
      // the record's own pairs were just scored; a record it competes for first as a newcomer, else as one that left
      const touched: Touched = new Map(leftBehind);
      for (const [id, t] of arrived) touched.set(id, t);
      events.push(...(await this.rescore(m, touched, new Set([...keep, ...dropped]), event)));
      return { result: 'matched', events };
    });
  }

  /** The records `records`' matches reach (strongest first, ranked across them), each with the record that reached it. */
  private touchedBy(records: Array<{ id: string; side: 'child' | 'sought' }>, reason: RescoreReason, candidatesOf: (id: string) => MatchCandidate[]): Touched {
    const touched: Touched = new Map();
    const all = records.flatMap((r) => candidatesOf(r.id).filter((c) => (c.probabilities?.sameChildAlone ?? c.probability) >= RIVAL_MIN_ALONE).map((c) => ({ c, r })));
    all.sort((a, b) => b.c.probability - a.c.probability);
    all.forEach(({ c, r }, rank) => { if (!touched.has(c.otherId)) touched.set(c.otherId, { rank, causedBy: r.id, causeSide: r.side, reason }); });
    return touched;
  }

  /**
   * The open proposals of the touched records, scored again with the records stored now (at most
   * MAX_RESCORED_PER_RECORD, strongest first); those whose probability moved materially are updated
   * and announced with `match.rescored` — their status never changes here.
   */
  private async rescore(m: EntityManager, touched: Touched, exclude: Set<string>, cause: RecordEvent | KinlinkEvent<'subject.erased'>): Promise<KinlinkEvent[]> {
    if (touched.size === 0) return [];
    const proposalTable = `"${schemaOf(m.connection)}".proposal`;
    const ids = [...touched.keys()];
    const rows: OpenProposalRow[] = await m.query(
      `SELECT id, pair_key, kind, left_id, right_id, probability, fingerprint, scored_from FROM ${proposalTable}
       WHERE status = 'open' AND (left_id = ANY($1::text[]) OR right_id = ANY($1::text[]))`, [ids]);
    const engine = this.index.engine;
    const changed = pickForRescore(rows, touched, exclude, MAX_RESCORED_PER_RECORD).flatMap((t) => {
      const now = engine.scorePair(t.queryId, t.otherId, { sibling: t.row.kind === 'possible-sibling' });
      // a record not in this instance's index (closed meanwhile, or not yet replicated): left as it is
      return now && materialChange(t.row.probability, now.probability, engine.threshold) ? [{ ...t, now }] : [];
    });
    if (changed.length === 0) return [];
    // another instance re-proposing the pair meanwhile (new fingerprint) wins: only the open row as read is updated
    const sideOf = (id: string): Side => ({ id, side: sideOfCandidateId(id), agencyId: '' });
    await this.cipher.prefetch([...new Set(changed.flatMap((c) => [subjectIdOf(sideOf(c.queryId)), subjectIdOf(sideOf(c.otherId))]))]);
    const sealed = await Promise.all(changed.map(async (c) => {
      const eventId = randomUUID();
      return { eventId, ...(await this.sealExplanation(eventId, c.now.explanation, sideOf(c.queryId), sideOf(c.otherId))) };
    }));
    // TypeORM answers an UPDATE … RETURNING with [rows, affected count]
    const [updated]: [Array<{ id: string }>, number] = await m.query(
      `UPDATE ${proposalTable} AS p SET probability = t.prob, score = t.score, model_version = t.mv, scored_from = t.q, updated_at = now()
       FROM unnest($1::uuid[], $2::float8[], $3::float8[], $4::text[], $5::text[], $6::text[]) AS t(id, prob, score, mv, q, fp)
       WHERE p.id = t.id AND p.status = 'open' AND p.fingerprint = t.fp RETURNING p.id`,
      [changed.map((c) => c.row.id), changed.map((c) => c.now.probability), changed.map((c) => c.now.score), changed.map((c) => c.now.modelVersion),
        changed.map((c) => c.queryId), changed.map((c) => c.row.fingerprint)]);
    const done = new Set(updated.map((u) => u.id));
    return changed.flatMap((c, i) => {
      if (!done.has(c.row.id)) return [];
      const { row, now } = c;
      const payload: MatchRescored = {
        proposalId: row.id, kind: row.kind as MatchRescored['kind'], probability: now.probability, score: now.score, previousProbability: row.probability,
        explanation: sealed[i].explanation, values: sealed[i].values, modelVersion: now.modelVersion, fingerprint: row.fingerprint,
        reason: c.reason, causedBy: c.causedBy,
      };
      return [newEvent('match.rescored', {
        eventId: sealed[i].eventId,
        correlationId: cause.correlationId, causationId: cause.eventId, actor: systemActor('matching'),
        subject: { type: 'proposal', id: row.id },
        related: [subjectOf(sideOf(row.left_id)), subjectOf(sideOf(row.right_id))],
        payload,
      })];
    });
  }

  /** `subject.erased`: the subject's profiles leave the index and the table (ids stay), its open proposals are withdrawn. */
  private async erase(event: KinlinkEvent<'subject.erased'>): Promise<void> {
    const recordId = event.payload.subject.id;
    this.cipher.forget(recordId);
    // the index snapshot holds the subject's profile: unreadable at once, and again once the
    // records left the index (a snapshot written in between held them too)
    await this.snapshots.shred('subject erased');
    let leftBehind: Touched | undefined;
    await this.uow.once(MATCHING_CONSUMER, event.eventId, async (m) => {
      const repo = m.getRepository(CandidateEntity);
      const stored = await repo.find({ where: { recordId }, lock: { mode: 'pessimistic_write' } });
      leftBehind ??= this.touchedBy(stored.filter((c) => c.active).map((c) => ({ id: c.id, side: c.side })), 'rival_left', (id) => this.index.engine.matchStored(id, RIVALS));
      for (const c of stored) this.index.engine.remove(c.id);
      const events = await this.withdraw(m, stored.filter((c) => c.active).map((c) => c.id), event);
      for (const c of stored) {
        await repo.update({ id: c.id }, { active: false, profile: { id: c.id, side: c.side, agencyId: c.agencyId }, fingerprint: 'erased' });
      }
      events.push(...(await this.rescore(m, leftBehind, new Set(stored.map((c) => c.id)), event)));
      return { result: 'erased', events };
    });
    await this.snapshots.shred('subject erased, records out of the index');
  }

  /** The explanation without the compared values; each side's values sealed under its own subject's key. */
  private async sealExplanation(eventId: string, explanation: FieldComparison[], left: Side, right: Side): Promise<{ explanation: FieldComparison[]; values: SealedExplanationValues }> {
    const bare = explanation.map(({ left: _l, right: _r, leftNormalised: _ln, rightNormalised: _rn, ...rest }) => rest); // eslint-disable-line @typescript-eslint/no-unused-vars
    const l = explanation.map((f) => ({ v: f.left, n: f.leftNormalised }));
    const r = explanation.map((f) => ({ v: f.right, n: f.rightNormalised }));
    const [ls, rs] = [subjectIdOf(left), subjectIdOf(right)];
    const sealedLeft = await this.cipher.seal(ls, eventId, { 'explanation.left': l });
    const sealedRight = await this.cipher.seal(rs, eventId, { 'explanation.right': r });
    return { explanation: bare, values: { left: { subjectId: ls, sealed: sealedLeft['explanation.left'] }, right: { subjectId: rs, sealed: sealedRight['explanation.right'] } } };
  }

  private async propose(m: EntityManager, self: { profile: MatchRecord; fingerprint: string; safeguardingLevel: CandidateEntity['safeguardingLevel'] }, candidates: MatchCandidate[], cause: RecordEvent) {
    const { profile, fingerprint } = self;
    if (candidates.length === 0) return [];
    // what a proposal needs of the other side, without its sealed profile (≈ 1 KB of JSON per candidate)
    const others: Array<{ id: string; side: MatchRecord['side']; agency_id: string; fingerprint: string; safeguarding_level: CandidateEntity['safeguardingLevel'] }> = await m.query(
      `SELECT id, side, agency_id, fingerprint, safeguarding_level FROM "${schemaOf(m.connection)}".candidate WHERE id = ANY($1::text[]) AND active`, [candidates.map((c) => c.otherId)]);
    const otherById = new Map<string, Pick<CandidateEntity, 'id' | 'fingerprint' | 'safeguardingLevel'> & { profile: Side }>(others.map((o) => [o.id, {
      id: o.id, fingerprint: o.fingerprint, safeguardingLevel: o.safeguarding_level, profile: { id: o.id, side: o.side, agencyId: o.agency_id },
    }]));
    // scaled out: a candidate the replica feed indexed whose owner (another instance) has not committed its row yet
    for (const c of candidates) {
      const r = otherById.has(c.otherId) ? undefined : this.replica.recent(c.otherId);
      if (r) otherById.set(r.id, { id: r.id, profile: { id: r.id, side: r.side, agencyId: r.agencyId }, fingerprint: r.fingerprint, safeguardingLevel: r.safeguardingLevel });
    }
    // the pairs this record forms, then their writes as one statement each (not three per candidate)
    const pairs = candidates.flatMap((c) => {
      const other = otherById.get(c.otherId);
      if (!other) return [];
      // the child is always the left side of a child ↔ sought pair; same-side pairs are ordered by id
      const [left, right] = orderPair(profile, other.profile, c.kind);
      return [{ c, other, left, right, pairKey: `${c.kind}:${left.id}|${right.id}`, pairPrint: pairFingerprint(fingerprint, other.fingerprint) }];
    });
    if (pairs.length === 0) return [];
    const pairKeys = pairs.map((p) => p.pairKey);
    // instances matching both records of a pair at once (scale-out) take turns: the second sees the first's proposal.
    // One record's locks are taken in key order; a slice locks record after record, so two instances' slices can
    // still deadlock (rare): PostgreSQL aborts one, and the slice is redone like any transient failure.
    await m.query('SELECT pg_advisory_xact_lock(hashtext(k)) FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) AS sorted', [pairKeys]);
    const proposalTable = `"${schemaOf(m.connection)}".proposal`;
    const existingRows: Array<{ id: string; pair_key: string; fingerprint: string; status: string }> = await m.query(
      `SELECT id, pair_key, fingerprint, status FROM ${proposalTable} WHERE pair_key = ANY($1::text[])`, [pairKeys]);
    const existingByKey = new Map(existingRows.map((e) => [e.pair_key, e]));
    const fresh = pairs.filter((p) => {
      const existing = existingByKey.get(p.pairKey);
      return !(existing && existing.fingerprint === p.pairPrint && existing.status === 'open');
    });
    if (fresh.length === 0) return [];
    // the other sides' keys in one round trip (the record's own key is cached already)
    await this.cipher.prefetch(fresh.map((p) => subjectIdOf(p.other.profile)));
    const events: KinlinkEvent[] = [];
    const rows: Array<Partial<ProposalEntity>> = [];
    for (const { c, other, left, right, pairKey, pairPrint } of fresh) {
      const level = new Map([[profile.id, self.safeguardingLevel], [other.id, other.safeguardingLevel]]);
      const eventId = randomUUID();
      // the engine explains the new record (left of each comparison) against the stored one (right)
      const sealed = await this.sealExplanation(eventId, c.explanation, profile, other.profile);
      const id = existingByKey.get(pairKey)?.id ?? randomUUID();
      rows.push({
        id, pairKey, kind: c.kind, leftId: left.id, rightId: right.id, probability: c.probability, score: c.score,
        modelVersion: c.modelVersion, fingerprint: pairPrint, status: 'open',
      });
      const payload: MatchProposed = {
        proposalId: id, kind: c.kind, left: matchSideOf(left, level.get(left.id)), right: matchSideOf(right, level.get(right.id)),
        probability: c.probability, score: c.score, explanation: sealed.explanation, values: sealed.values, modelVersion: c.modelVersion, fingerprint: pairPrint,
      };
      events.push(newEvent('match.proposed', {
        eventId,
        correlationId: cause.correlationId, causationId: cause.eventId, actor: systemActor('matching'),
        subject: { type: 'proposal', id },
        related: [subjectOf(left), subjectOf(right)],
        payload,
      }));
    }
    await m.query(
      `INSERT INTO ${proposalTable} (id, pair_key, kind, left_id, right_id, probability, score, model_version, fingerprint, status, scored_from)
       SELECT id, pk, kind, l, r, prob, score, mv, fp, 'open', $10::text
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::text[], $9::text[]) AS t(id, pk, kind, l, r, prob, score, mv, fp)
       ON CONFLICT (pair_key) DO UPDATE SET id = EXCLUDED.id, kind = EXCLUDED.kind, left_id = EXCLUDED.left_id, right_id = EXCLUDED.right_id,
         probability = EXCLUDED.probability, score = EXCLUDED.score, model_version = EXCLUDED.model_version, fingerprint = EXCLUDED.fingerprint,
         status = 'open', scored_from = EXCLUDED.scored_from, updated_at = now()`,
      [rows.map((r) => r.id), rows.map((r) => r.pairKey), rows.map((r) => r.kind), rows.map((r) => r.leftId), rows.map((r) => r.rightId),
        rows.map((r) => r.probability), rows.map((r) => r.score), rows.map((r) => r.modelVersion), rows.map((r) => r.fingerprint), profile.id]);
    return events;
  }

  private async withdraw(m: EntityManager, candidateIds: string[], cause: RecordEvent, onlyWith?: (other: CandidateEntity) => boolean): Promise<KinlinkEvent[]> {
    if (candidateIds.length === 0) return [];
    const repo = m.getRepository(ProposalEntity);
    let open = await repo.find({ where: [{ leftId: In(candidateIds), status: 'open' }, { rightId: In(candidateIds), status: 'open' }] });
    if (onlyWith) {
      const mine = new Set(candidateIds);
      const otherIds = open.map((p) => (mine.has(p.leftId) ? p.rightId : p.leftId));
      const others = new Map((await m.getRepository(CandidateEntity).find({ where: { id: In(otherIds) } })).map((c) => [c.id, c]));
      open = open.filter((p) => { const o = others.get(mine.has(p.leftId) ? p.rightId : p.leftId); return !!o && onlyWith(o); });
    }
    if (open.length) await repo.update({ id: In(open.map((p) => p.id)) }, { status: 'withdrawn' });
    return open.map((p) => newEvent('match.withdrawn', {
      correlationId: cause.correlationId, causationId: cause.eventId, actor: systemActor('matching'),
      subject: { type: 'proposal', id: p.id }, payload: { proposalId: p.id, reason: cause.type === 'subject.erased' ? 'record_erased' : cause.type.endsWith('.closed') ? 'record_closed' : onlyWith ? 'consent_withdrawn' : 'record_changed' },
    }));
  }
}

/** the candidates of a record leaving or changing: down to RIVAL_FLOOR, no explanations (only the pairs' ids and strength are needed) */
const RIVALS = { minProbability: RIVAL_FLOOR, limit: MAX_TOUCHED, explain: false } as const;

function orderPair(a: Side, b: Side, kind: string): [Side, Side] {
  if (kind === 'child-sought') return a.side === 'child' ? [a, b] : [b, a];
  return a.id < b.id ? [a, b] : [b, a];
}

function subjectOf(r: Side) {
  return r.side === 'child' ? { type: 'child' as const, id: r.id } : { type: 'tracing-request' as const, id: r.id.split('#')[0] };
}

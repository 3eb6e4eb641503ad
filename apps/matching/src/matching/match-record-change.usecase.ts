import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { KinlinkEvent, MatchProposed, newEvent, systemActor } from '@kinlink/contracts';
import { UnitOfWork } from '@kinlink/kafka';
import type { MatchCandidate, MatchRecord } from '@kinlink/matching-engine';
import { CandidateIndex } from './candidate-index';
import { ReplicaFeed } from './replica-feed';
import { CandidateEntity, ProposalEntity } from './matching.entities';
import { childToMatchRecord, matchSideOf, pairFingerprint, profileFingerprint, tracingRequestToMatchRecords } from './match-records';

export const MATCHING_CONSUMER = 'matching.records';
type RecordEvent = KinlinkEvent<'child.registered' | 'child.updated' | 'child.closed' | 'tracing-request.filed' | 'tracing-request.updated' | 'tracing-request.closed'>;

/**
 * Matches a new or changed record against the other side, on arrival, and proposes pairs.
 * A pair is proposed again only when one of its records changed (new fingerprint), so a
 * rejected pair stays rejected. A closed record leaves the index and its open proposals are withdrawn.
 */
@Injectable()
export class MatchRecordChange {
  constructor(private readonly uow: UnitOfWork, private readonly index: CandidateIndex, private readonly replica: ReplicaFeed) {}

  async execute(event: RecordEvent): Promise<void> {
    const recordId = event.payload.id;
    const revision = event.payload.revision;
    const closed = event.type === 'child.closed' || event.type === 'tracing-request.closed';
    const profiles = closed ? [] : toProfiles(event);
    const safeguardingLevel = event.type === 'child.registered' || event.type === 'child.updated'
      ? (event as KinlinkEvent<'child.registered'>).payload.record.safeguarding?.level ?? 'none'
      : null;

    await this.uow.once(MATCHING_CONSUMER, event.eventId, async (m) => {
      const repo = m.getRepository(CandidateEntity);
      const stored = await repo.find({ where: { recordId }, lock: { mode: 'pessimistic_write' } });
      // Per-record order: a revision older than what is stored is stale (already superseded).
      if (stored.some((c) => c.revision >= revision)) return { result: 'stale', events: [] };

      const keep = new Set(profiles.map((p) => p.id));
      const dropped = stored.filter((c) => c.active && !keep.has(c.id)).map((c) => c.id);
      for (const id of dropped) this.index.engine.remove(id);
      const events: KinlinkEvent[] = await this.withdraw(m, dropped, event);
      await repo.update({ recordId }, { active: false, revision });

      for (const profile of profiles) {
        const fingerprint = profileFingerprint(profile);
        await repo.upsert({ id: profile.id, recordId, side: profile.side, agencyId: profile.agencyId, revision, active: true, profile, fingerprint, safeguardingLevel }, ['id']);
        // Index and match in one synchronous step, so of two records arriving together the second always sees the first.
        this.index.engine.upsert(profile);
        const candidates = this.index.engine.match(profile);
        events.push(...(await this.propose(m, { profile, fingerprint, safeguardingLevel }, candidates, event)));
      }
      return { result: 'matched', events };
    });
  }

  private async propose(m: EntityManager, self: Pick<CandidateEntity, 'profile' | 'fingerprint' | 'safeguardingLevel'>, candidates: MatchCandidate[], cause: RecordEvent) {
    const { profile, fingerprint } = self;
    if (candidates.length === 0) return [];
    const others = await m.getRepository(CandidateEntity).find({ where: { id: In(candidates.map((c) => c.otherId)), active: true } });
    const otherById = new Map<string, Pick<CandidateEntity, 'id' | 'profile' | 'fingerprint' | 'safeguardingLevel'>>(others.map((o) => [o.id, o]));
    // scaled out: a candidate the replica feed indexed whose owner (another instance) has not committed its row yet
    for (const c of candidates) {
      const r = otherById.has(c.otherId) ? undefined : this.replica.recent(c.otherId);
      if (r) otherById.set(r.id, { id: r.id, profile: { id: r.id, side: r.side, agencyId: r.agencyId } as MatchRecord, fingerprint: r.fingerprint, safeguardingLevel: r.safeguardingLevel });
    }
    const proposals = m.getRepository(ProposalEntity);
    const events: KinlinkEvent[] = [];
    for (const c of candidates) {
      const other = otherById.get(c.otherId);
      if (!other) continue;
      // the child is always the left side of a child ↔ sought pair; same-side pairs are ordered by id
      const level = new Map([[profile.id, self.safeguardingLevel], [other.id, other.safeguardingLevel]]);
      const [left, right] = orderPair(profile, other.profile, c.kind);
      const pairKey = `${c.kind}:${left.id}|${right.id}`;
      const pairPrint = pairFingerprint(fingerprint, other.fingerprint);
      // instances matching both records of a pair at once (scale-out) take turns: the second sees the first's proposal
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [pairKey]);
      const existing = await proposals.findOne({ where: { pairKey } });
      if (existing && existing.fingerprint === pairPrint && existing.status === 'open') continue;
      const id = existing?.id ?? randomUUID();
      await proposals.upsert({
        id, pairKey, kind: c.kind, leftId: left.id, rightId: right.id, probability: c.probability, score: c.score,
        modelVersion: c.modelVersion, fingerprint: pairPrint, status: 'open',
      }, ['pairKey']);
      const payload: MatchProposed = {
        proposalId: id, kind: c.kind, left: matchSideOf(left, level.get(left.id)), right: matchSideOf(right, level.get(right.id)),
        probability: c.probability, score: c.score, explanation: c.explanation, modelVersion: c.modelVersion, fingerprint: pairPrint,
      };
      events.push(newEvent('match.proposed', {
        correlationId: cause.correlationId, causationId: cause.eventId, actor: systemActor('matching'),
        subject: { type: 'proposal', id },
        related: [subjectOf(left), subjectOf(right)],
        payload,
      }));
    }
    return events;
  }

  private async withdraw(m: EntityManager, candidateIds: string[], cause: RecordEvent): Promise<KinlinkEvent[]> {
    if (candidateIds.length === 0) return [];
    const repo = m.getRepository(ProposalEntity);
    const open = await repo.find({ where: [{ leftId: In(candidateIds), status: 'open' }, { rightId: In(candidateIds), status: 'open' }] });
    if (open.length) await repo.update({ id: In(open.map((p) => p.id)) }, { status: 'withdrawn' });
    return open.map((p) => newEvent('match.withdrawn', {
      correlationId: cause.correlationId, causationId: cause.eventId, actor: systemActor('matching'),
      subject: { type: 'proposal', id: p.id }, payload: { proposalId: p.id, reason: cause.type.endsWith('.closed') ? 'record_closed' : 'record_changed' },
    }));
  }
}

function toProfiles(event: RecordEvent): MatchRecord[] {
  if (event.type === 'child.registered' || event.type === 'child.updated') return [childToMatchRecord((event as KinlinkEvent<'child.registered'>).payload)];
  return tracingRequestToMatchRecords((event as KinlinkEvent<'tracing-request.filed'>).payload);
}

function orderPair(a: MatchRecord, b: MatchRecord, kind: string): [MatchRecord, MatchRecord] {
  if (kind === 'child-sought') return a.side === 'child' ? [a, b] : [b, a];
  return a.id < b.id ? [a, b] : [b, a];
}

function subjectOf(r: MatchRecord) {
  return r.side === 'child' ? { type: 'child' as const, id: r.id } : { type: 'tracing-request' as const, id: r.id.split('#')[0] };
}

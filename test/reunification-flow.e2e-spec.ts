/**
 * One child's path through the running system (six services, real Kafka, real PostgreSQL):
 * registration and a tracing request from two agencies → proposal → confirmation → case through
 * verification, reunification, follow-up and closure → the auditor's verified history.
 */
import { randomUUID } from 'node:crypto';
import { eventually, motherSearching, registeredBoy } from '@kinlink/testing';
import { agencyEvent, api, disconnectKafka, publishToAgencyTopic, token } from './support/system';

jest.setTimeout(120_000);

describe('a separated child, from registration to closure', () => {
  const childRecordId = `UNHCR-KE-${randomUUID().slice(0, 8)}`;
  const requestRecordId = `ICRC-SO-${randomUUID().slice(0, 8)}`;
  let coordinator: string, coordinatorIcrc: string, supervisor: string, auditor: string;
  let proposalId: string, caseId: string, childId: string;

  beforeAll(async () => {
    [coordinator, coordinatorIcrc, supervisor, auditor] = await Promise.all([
      token('coordinator', 'unhcr', 'amal'), token('coordinator', 'icrc', 'jonas'),
      token('supervisor', 'unhcr', 'grace'), token('auditor', 'kinlink', 'audrey'),
    ]);
  });
  afterAll(disconnectKafka);

  it('proposes the match, with a score and a per-field explanation, within seconds', async () => {
    await publishToAgencyTopic('unhcr', JSON.stringify(agencyEvent('child.registered', 'unhcr', childRecordId, registeredBoy())), childRecordId);
    await publishToAgencyTopic('icrc', JSON.stringify(agencyEvent('tracing-request.filed', 'icrc', requestRecordId, motherSearching())), requestRecordId);

    const proposal = await eventually(async () => {
      const res = await api('GET', '/proposals?status=pending', coordinator);
      expect(res.status).toBe(200);
      const found = res.body.items.find((p: any) => p.kind === 'child-sought' && p.right.agencyId === 'icrc' && p.left.agencyId === 'unhcr'); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(found).toBeDefined();
      return found;
    }, { timeoutMs: 30_000 });
    proposalId = proposal.id;
    childId = proposal.left.id;
    expect(proposal.probability).toBeGreaterThan(0.5);

    const detail = await api('GET', `/proposals/${proposalId}`, coordinator);
    expect(detail.status).toBe(200);
    expect(detail.body.explanation.length).toBeGreaterThan(2);
    expect(detail.body.explanation.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining([expect.stringMatching(/name/)]));
    // own record in full, the other agency's record minimal (no whereabouts)
    expect(detail.body.left.access).toBe('full');
    expect(detail.body.right.access).toBe('minimal');
    expect(JSON.stringify(detail.body.right.record)).not.toContain('currentLocation');
    const icrcView = await api('GET', `/proposals/${proposalId}`, coordinatorIcrc);
    expect(icrcView.body.left.access).toBe('minimal');
    expect(JSON.stringify(icrcView.body.left.record)).not.toMatch(/Dadaab|Hagadera|currentLocation|careArrangement/);
  });

  it('opens a case when a coordinator confirms, and counts the confirmation in the model calibration report', async () => {
    const detail = (await api('GET', `/proposals/${proposalId}`, coordinator)).body;
    const band = Math.min(9, Math.floor(detail.probability * 10));
    /** the reviewed proposals of this proposal's model, kind and probability band, as the report gives them */
    const reviewedInBand = async () => {
      const r = await api('GET', '/dashboard/model-calibration?agency=unhcr', coordinator);
      expect(r.status).toBe(200);
      const m = r.body.models.find((x: { modelVersion: string; kind: string }) => x.modelVersion === detail.modelVersion && x.kind === 'child-sought');
      const b = m?.bands.find((x: { from: number }) => Math.round(x.from * 10) === band);
      return { reviewed: b?.reviewed ?? 0, observed: b?.observed ?? null, confirmed: m?.confirmed ?? 0 };
    };
    const before = await reviewedInBand();
    const res = await api('POST', `/proposals/${proposalId}/decisions`, coordinator, { decision: 'confirm', note: 'mother named both parents' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('confirmed');
    caseId = res.body.caseId;
    expect(caseId).toMatch(/^[0-9a-f-]{36}$/);
    const c = await eventually(async () => {
      const r = await api('GET', `/cases/${caseId}`, coordinator);
      expect(r.status).toBe(200);
      return r.body;
    });
    expect(c.status).toBe('match_confirmed');
    await eventually(async () => {
      const after = await reviewedInBand();
      expect(after.reviewed).toBe(before.reviewed + 1);
      expect(after.confirmed).toBe(before.confirmed + 1);
    });
    // another agency's coordinator, asking for unhcr's proposals, is given none of them
    const other = await api('GET', '/dashboard/model-calibration?agency=unhcr', await token('coordinator', 'savethechildren', 'sam'));
    expect(other.status).toBe(200);
    expect(other.body.models).toEqual([]);
  });

  it('moves the case through verification, reunification, follow-up and closure, refusing steps the rules forbid', async () => {
    const step = (bearer: string, body: Record<string, unknown>) => api('POST', `/cases/${caseId}/transitions`, bearer, body);

    const early = await step(coordinator, { type: 'record_reunification', date: '2026-11-20', place: 'Dadaab', reunitedWithVerifiedAdult: true });
    expect([409, 422]).toContain(early.status);
    expect(early.body.code).toBe('command_rejected');
    expect(early.body.ruleCode).toBeDefined();
    expect((await api('GET', `/cases/${caseId}`, coordinator)).body.status).toBe('match_confirmed');

    expect((await step(coordinator, { type: 'start_verification' })).status).toBe(200);
    const checklist = {
      adultWantsToCare: true, adultAbleToCare: true, childKnowsAdult: true, childWishes: 'wants',
      informationMatches: true, bestInterestsAssessmentRecorded: true,
    };
    expect((await step(coordinator, { type: 'submit_verification', checklist })).status).toBe(200);
    const selfApproval = await step(coordinator, { type: 'approve_verification' });
    expect([403, 409, 422]).toContain(selfApproval.status);
    expect((await step(supervisor, { type: 'approve_verification' })).body.to).toBe('verified');
    const today = new Date().toISOString().slice(0, 10);
    const inThreeDays = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const plan = await step(coordinator, { type: 'plan_reunification', plannedDate: inThreeDays, place: 'Dadaab reception centre' });
    expect([plan.status, plan.body.to]).toEqual([200, 'reunification_planned']);
    expect((await step(coordinator, { type: 'record_reunification', date: today, place: 'Dadaab reception centre', reunitedWithVerifiedAdult: true })).body.to).toBe('reunified');
    expect((await step(coordinator, { type: 'record_follow_up', visitDate: today, childSeen: true, outcomeCode: 'settled', needsFurtherFollowUp: false })).status).toBe(200);
    const noReason = await step(coordinator, { type: 'close' });
    expect([409, 422]).toContain(noReason.status);
    const closed = await step(coordinator, { type: 'close', reasonCode: 'reunified_and_stable' });
    expect(closed.status).toBe(200);
    expect(closed.body.to).toBe('closed');

    const timeline = await eventually(async () => {
      const r = await api('GET', `/cases/${caseId}`, coordinator);
      expect(r.body.status).toBe('closed');
      return r.body.timeline as Array<{ to: string }>;
    });
    expect(timeline.map((t) => t.to)).toEqual([
      'match_confirmed', 'verification_in_progress', 'verification_submitted', 'verified', 'reunification_planned', 'reunified', 'follow_up', 'closed',
    ]);
  });

  it("gives the auditor the child's complete, ordered history with a verified hash chain", async () => {
    const history = await eventually(async () => {
      const r = await api('GET', `/audit/subjects/${childId}`, auditor);
      expect(r.status).toBe(200);
      const types = r.body.entries.map((e: { eventType: string }) => e.eventType);
      expect(types).toEqual(expect.arrayContaining(['child.registered', 'match.proposed', 'proposal.decided', 'case.opened']));
      expect(r.body.entries.filter((e: { eventType: string }) => e.eventType === 'case.status-changed')).toHaveLength(7);
      return r.body;
    }, { timeoutMs: 30_000 });
    const seqs = history.entries.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(history.entries.every((e: { actor: { id: string } | null; occurredAt: string }) => e.actor?.id && e.occurredAt)).toBe(true);
    const decided = history.entries.find((e: { eventType: string }) => e.eventType === 'proposal.decided');
    expect(decided.actor).toMatchObject({ id: 'amal', role: 'coordinator', agencyId: 'unhcr' });
    expect(history.verification.valid).toBe(true);
    expect(JSON.stringify(history)).not.toMatch(/Mohammed|Abdi|Dadaab/);

    expect((await api('GET', `/audit/subjects/${childId}`, coordinator)).status).toBe(403);
  });
});

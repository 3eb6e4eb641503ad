import { CaseStatus } from './case-status';
import { CaseState, decideTransition } from './case-workflow';
import { ProposalSide, ProposalState, ProposalStatus, decideOnProposal, newProposal } from './proposal-decision';
import { CaseRef, ProposalRef, planSupersede, supersedeCommandId } from './supersede';
import { COORD_A, SYSTEM, T, apply, caseIn, CMD, newCase } from './testing/case-fixtures';

/** The reunified case: child X, tracing request R, sought child "a". */
const REUNIFIED = { caseId: 'case-main', childId: 'child-x', tracingRequestId: 'request-r', soughtChildRef: 'a', childAgencyId: 'agency-a', requestAgencyId: 'agency-b' };

const caseRef = (caseId: string, status: CaseStatus, childId: string, tracingRequestId: string, soughtChildRef: string | null = null, agency = 'agency-c'): CaseRef =>
  ({ caseId, status, childId, tracingRequestId, soughtChildRef, childAgencyId: agency, requestAgencyId: agency });

const child = (id: string, agencyId = 'agency-c'): ProposalSide => ({ type: 'child', id, agencyId });
const sought = (id: string, ref?: string, agencyId = 'agency-d'): ProposalSide => ({ type: 'sought-child', id, ...(ref ? { ref } : {}), agencyId });
const proposalRef = (proposalId: string, status: ProposalStatus, left: ProposalSide, right: ProposalSide, kind: ProposalRef['kind'] = 'child-sought'): ProposalRef =>
  ({ proposalId, status, kind, left, right });

describe('planSupersede: cases', () => {
  const cases: CaseRef[] = [
    caseRef('case-main', 'reunified', 'child-x', 'request-r', 'a', 'agency-a'), // itself
    caseRef('c-same-child', 'verification_in_progress', 'child-x', 'request-other', null, 'agency-e'),
    caseRef('c-same-request', 'match_confirmed', 'child-y', 'request-r', 'a', 'agency-f'),
    caseRef('c-sibling', 'verified', 'child-z', 'request-r', 'b'),
    caseRef('c-request-no-ref', 'alternative_care', 'child-w', 'request-r', null),
    caseRef('c-both', 'suspended', 'child-x', 'request-r', null),
    caseRef('c-closed', 'closed', 'child-x', 'request-other'),
    caseRef('c-superseded', 'superseded', 'child-x', 'request-other'),
    caseRef('c-unrelated', 'verified', 'child-q', 'request-q'),
    caseRef('c-follow-up', 'follow_up', 'child-x', 'request-old'),
  ];
  const plan = planSupersede(REUNIFIED, { cases });

  it('supersedes every other open case for the child or the tracing request', () => {
    expect(plan.cases.map((c) => [c.caseId, c.link])).toEqual([
      ['c-both', 'same_child_and_tracing_request'],
      ['c-follow-up', 'same_child'],
      ['c-request-no-ref', 'same_tracing_request'],
      ['c-same-child', 'same_child'],
      ['c-same-request', 'same_tracing_request'],
    ]);
  });

  it('leaves the reunified case, closed and superseded cases, unrelated cases and a sibling sought by the same request', () => {
    const ids = plan.cases.map((c) => c.caseId);
    for (const id of ['case-main', 'c-closed', 'c-superseded', 'c-unrelated', 'c-sibling']) expect(ids).not.toContain(id);
  });

  it('flags a second reunification of the same child', () => {
    expect(plan.conflicts).toEqual(['c-follow-up']);
  });

  it('hands out ready supersede commands with one deterministic command id', () => {
    for (const c of plan.cases) {
      expect(c.command).toEqual({ type: 'supersede', supersededByCaseId: 'case-main', commandId: 'supersede:case-main' });
    }
    expect(supersedeCommandId('case-main')).toBe('supersede:case-main');
  });

  it('notifies the agencies of the reunified case and of every superseded case', () => {
    expect(plan.notifyAgencyIds).toEqual(['agency-a', 'agency-b', 'agency-c', 'agency-e', 'agency-f']);
  });

  it('returns nothing when nothing is linked', () => {
    expect(planSupersede(REUNIFIED, { cases: [caseRef('c-unrelated', 'verified', 'child-q', 'request-q')] })).toEqual({
      byCaseId: 'case-main', cases: [], proposals: [], keptOpen: [], conflicts: [], notifyAgencyIds: ['agency-a', 'agency-b'],
    });
  });

  it('lists a case given twice once', () => {
    const twice = planSupersede(REUNIFIED, { cases: [cases[1], cases[1]] });
    expect(twice.cases).toHaveLength(1);
  });
});

describe('planSupersede: proposals', () => {
  const proposals: ProposalRef[] = [
    proposalRef('p-child', 'pending', child('child-x'), sought('request-other')),
    proposalRef('p-request', 'info_requested', sought('request-r', 'a'), child('child-y')),
    proposalRef('p-request-no-ref', 'pending', child('child-y'), sought('request-r')),
    proposalRef('p-sibling-ref', 'pending', child('child-z'), sought('request-r', 'b')),
    proposalRef('p-marked-sibling', 'possible_sibling', child('child-x'), sought('request-other')),
    proposalRef('p-marked-duplicate', 'possible_duplicate', child('child-x'), sought('request-other')),
    proposalRef('p-confirmed', 'confirmed', child('child-x'), sought('request-r', 'a')),
    proposalRef('p-rejected', 'rejected', child('child-x'), sought('request-other')),
    proposalRef('p-same-sought', 'pending', sought('request-r', 'a'), sought('request-s', undefined, 'agency-g'), 'same-sought-child'),
    proposalRef('p-duplicate-child', 'pending', child('child-x'), child('child-x2'), 'duplicate-child'),
    proposalRef('p-sibling-kind', 'pending', child('child-x'), child('child-v'), 'possible-sibling'),
    proposalRef('p-unrelated', 'pending', child('child-q'), sought('request-q')),
  ];
  const plan = planSupersede(REUNIFIED, { proposals });

  it('supersedes the open reunification candidates for the child or the request', () => {
    expect(plan.proposals.map((p) => [p.proposalId, p.from, p.link])).toEqual([
      ['p-child', 'pending', 'same_child'],
      ['p-request', 'info_requested', 'same_tracing_request'],
      ['p-request-no-ref', 'pending', 'same_tracing_request'],
      ['p-same-sought', 'pending', 'same_tracing_request'],
    ]);
    for (const p of plan.proposals) expect(p.decision).toEqual({ type: 'supersede', byCaseId: 'case-main', commandId: 'supersede:case-main' });
  });

  it('keeps decided proposals (confirmed, rejected, the tentative marks) and a sibling sought by the request', () => {
    const ids = plan.proposals.map((p) => p.proposalId);
    for (const id of ['p-marked-sibling', 'p-marked-duplicate', 'p-confirmed', 'p-rejected', 'p-sibling-ref', 'p-unrelated']) expect(ids).not.toContain(id);
  });

  it('keeps duplicate and sibling-link proposals open, and says so', () => {
    expect(plan.keptOpen).toEqual([
      { proposalId: 'p-duplicate-child', kind: 'duplicate-child', link: 'same_child' },
      { proposalId: 'p-sibling-kind', kind: 'possible-sibling', link: 'same_child' },
    ]);
  });

  it('the kinds that are superseded can be configured', () => {
    const all = planSupersede(REUNIFIED, { proposals }, { proposalKinds: ['child-sought', 'same-sought-child', 'duplicate-child', 'possible-sibling'] });
    expect(all.proposals.map((p) => p.proposalId)).toEqual(expect.arrayContaining(['p-duplicate-child', 'p-sibling-kind']));
    expect(all.keptOpen).toEqual([]);
    const onlyChildSought = planSupersede(REUNIFIED, { proposals }, { proposalKinds: ['child-sought'] });
    expect(onlyChildSought.proposals.map((p) => p.proposalId)).not.toContain('p-same-sought');
  });

  it('notifies the agencies owning the superseded proposals’ records', () => {
    expect(plan.notifyAgencyIds).toEqual(['agency-a', 'agency-b', 'agency-c', 'agency-d', 'agency-g']);
  });
});

describe('the cascade end to end through the workflow', () => {
  /** Builds a case in `status` for another child / request. */
  function otherCase(caseId: string, childId: string, tracingRequestId: string, status: CaseStatus): CaseState {
    return caseIn(status, 'match_confirmed', newCase({ caseId, childId, tracingRequestId, proposalId: `p-${caseId}` }));
  }

  it('reunify one case, then supersede every linked case and proposal; replaying the cascade changes nothing', () => {
    const main = apply(caseIn('reunification_planned', 'match_confirmed', newCase({ caseId: 'case-main', childId: 'child-x', tracingRequestId: 'request-r' })),
      CMD.reunify, COORD_A, T.reunify);
    expect(main.status).toBe('reunified');

    const cases = [
      otherCase('c1', 'child-x', 'request-2', 'verification_submitted'),
      otherCase('c2', 'child-9', 'request-r', 'verified'),
      otherCase('c3', 'child-x', 'request-3', 'suspended'),
      otherCase('c4', 'child-8', 'request-8', 'verified'),
    ];
    const proposals: ProposalState[] = [
      newProposal({ proposalId: 'p1', kind: 'child-sought', left: child('child-x'), right: sought('request-5'), fingerprint: 'f' }, T.open),
      newProposal({ proposalId: 'p2', kind: 'child-sought', left: child('child-7'), right: sought('request-r'), fingerprint: 'f' }, T.open),
      newProposal({ proposalId: 'p3', kind: 'child-sought', left: child('child-6'), right: sought('request-6'), fingerprint: 'f' }, T.open),
    ];

    const plan = planSupersede(main, { cases, proposals });
    expect(plan.cases.map((c) => c.caseId)).toEqual(['c1', 'c2', 'c3']);
    expect(plan.proposals.map((p) => p.proposalId)).toEqual(['p1', 'p2']);

    const superseded = plan.cases.map((item) => {
      const state = cases.find((c) => c.caseId === item.caseId) as CaseState;
      const r = decideTransition(state, item.command, SYSTEM, T.later);
      if (!r.ok || r.duplicate) throw new Error(`supersede of ${item.caseId} failed`);
      expect(r.event).toMatchObject({ from: item.from, to: 'superseded', reasonCode: 'reunited_elsewhere', details: { kind: 'supersede', supersededByCaseId: 'case-main' } });
      // replaying the same cascade command is a no-op
      expect(decideTransition(r.next, item.command, SYSTEM, T.later)).toMatchObject({ ok: true, duplicate: true });
      return r.next;
    });
    expect(superseded.map((s) => s.status)).toEqual(['superseded', 'superseded', 'superseded']);
    // a superseded case accepts nothing from a coordinator any more
    expect(decideTransition(superseded[1], CMD.plan, COORD_A, T.later)).toMatchObject({ ok: false, error: { code: 'CASE_SUPERSEDED' } });

    for (const item of plan.proposals) {
      const p = proposals.find((x) => x.proposalId === item.proposalId) as ProposalState;
      const r = decideOnProposal(p, item.decision, SYSTEM, T.later);
      if (!r.ok || r.duplicate) throw new Error(`supersede of ${item.proposalId} failed`);
      expect(r.next).toMatchObject({ status: 'superseded', supersededByCaseId: 'case-main' });
      expect(r.event.reasonCode).toBe('reunited_elsewhere');
      expect(decideOnProposal(r.next, item.decision, SYSTEM, T.later)).toMatchObject({ ok: true, duplicate: true });
      expect(decideOnProposal(r.next, { type: 'confirm', caseId: 'c' }, COORD_A, T.later)).toMatchObject({ ok: false, error: { code: 'PROPOSAL_SUPERSEDED' } });
    }

    // once superseded, a second planning run finds nothing left to do
    const again = planSupersede(main, { cases: superseded, proposals: [] });
    expect(again.cases).toEqual([]);
  });
});

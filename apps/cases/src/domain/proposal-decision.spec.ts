import { Actor } from './actor';
import { decideTransition } from './case-workflow';
import {
  DECISION_TARGET,
  PROPOSAL_DECISION_TYPES,
  PROPOSAL_RULES,
  PROPOSAL_STATUSES,
  PROPOSAL_TRANSITIONS,
  ProposalDecision,
  ProposalDecisionResult,
  ProposalDecisionType,
  ProposalSide,
  ProposalState,
  ProposalStatus,
  decideOnProposal,
  newProposal,
  proposalPairKey,
  refreshProposalFingerprint,
  shouldReopenRejected,
} from './proposal-decision';
import { AGENCY, AGENCY_ADMIN, AUDITOR, COORD_A, COORD_B, SUP_S, SYSTEM, SYSTEM_ADMIN, T, deepFreeze } from './testing/case-fixtures';

const CHILD: ProposalSide = { type: 'child', id: 'child-1', agencyId: 'agency-a' };
const SOUGHT: ProposalSide = { type: 'sought-child', id: 'request-1', ref: 'sought-1', agencyId: 'agency-b' };

function pending(overrides: Partial<Parameters<typeof newProposal>[0]> = {}): ProposalState {
  return newProposal({ proposalId: 'proposal-1', kind: 'child-sought', left: CHILD, right: SOUGHT, fingerprint: 'fp-1', ...overrides }, T.open);
}

const decide = (p: ProposalState, d: unknown, actor: Actor = COORD_B, now: string = T.later) =>
  decideOnProposal(p, d as ProposalDecision, actor, now);

function ok(r: ProposalDecisionResult) {
  if (!r.ok) throw new Error(`expected success, got ${r.error.code}: ${r.error.rule}`);
  if (r.duplicate) throw new Error('expected a new decision, got a duplicate');
  return r;
}

function refused(r: ProposalDecisionResult, code: keyof typeof PROPOSAL_RULES, ruleIncludes?: RegExp) {
  if (r.ok) throw new Error(`expected ${code}, got ${r.duplicate ? 'duplicate' : `ok → ${r.next.status}`}`);
  expect(r.error.code).toBe(code);
  expect(r.error.httpStatus).toBe(PROPOSAL_RULES[code].httpStatus);
  if (ruleIncludes) expect(r.error.rule).toMatch(ruleIncludes);
  return r.error;
}

const DECISION: Record<ProposalDecisionType, ProposalDecision> = {
  confirm: { type: 'confirm', caseId: 'case-new' },
  reject: { type: 'reject', reasonCode: 'different_family' },
  possible_sibling: { type: 'possible_sibling' },
  possible_duplicate: { type: 'possible_duplicate' },
  request_information: { type: 'request_information', note: 'Ask for the mother’s village of origin' },
  information_received: { type: 'information_received' },
  reopen: { type: 'reopen', fingerprint: 'fp-2' },
  withdraw: { type: 'withdraw', reasonCode: 'record_changed' },
  supersede: { type: 'supersede', byCaseId: 'case-9' },
};

function actorFor(type: ProposalDecisionType): Actor {
  return type === 'reopen' || type === 'withdraw' || type === 'supersede' ? SYSTEM : COORD_A;
}

/** A proposal in `status`, reached through real decisions. */
function proposalIn(status: ProposalStatus): ProposalState {
  const p = pending();
  const via: Record<ProposalStatus, ProposalDecision | null> = {
    pending: null,
    confirmed: { type: 'confirm', caseId: 'case-1' },
    rejected: { type: 'reject', reasonCode: 'not_same_child' },
    possible_sibling: { type: 'possible_sibling' },
    possible_duplicate: { type: 'possible_duplicate' },
    info_requested: { type: 'request_information', note: 'photo?' },
    withdrawn: { type: 'withdraw', reasonCode: 'record_changed' },
    superseded: { type: 'supersede', byCaseId: 'case-9' },
  };
  const d = via[status];
  if (!d) return p;
  return ok(decideOnProposal(p, d, actorFor(d.type), T.start)).next;
}

// ---- matrix -----------------------------------------------------------------------------------

describe('every status × decision', () => {
  type Expect = 'ok' | 'dup' | 'DECIDED' | 'INVALID' | 'WITHDRAWN' | 'SUPERSEDED';
  const D = 'DECIDED' as const;
  // columns: confirm, reject, possible_sibling, possible_duplicate, request_information, information_received, reopen, withdraw, supersede
  const EXPECTED: Record<ProposalStatus, Expect[]> = {
    pending: ['ok', 'ok', 'ok', 'ok', 'ok', 'INVALID', 'INVALID', 'ok', 'ok'],
    info_requested: ['ok', 'ok', 'ok', 'ok', 'dup', 'ok', 'INVALID', 'ok', 'ok'],
    possible_sibling: ['ok', 'ok', 'dup', D, 'ok', D, D, 'ok', D],
    possible_duplicate: ['ok', 'ok', D, 'dup', 'ok', D, D, 'ok', D],
    confirmed: ['dup', D, D, D, D, D, D, D, D],
    rejected: [D, D, D, D, D, D, 'ok', D, D],
    withdrawn: ['WITHDRAWN', 'WITHDRAWN', 'WITHDRAWN', 'WITHDRAWN', 'WITHDRAWN', 'WITHDRAWN', 'ok', 'dup', 'WITHDRAWN'],
    superseded: ['SUPERSEDED', 'SUPERSEDED', 'SUPERSEDED', 'SUPERSEDED', 'SUPERSEDED', 'SUPERSEDED', 'SUPERSEDED', 'SUPERSEDED', 'dup'],
  };
  const ORDER: ProposalDecisionType[] = [
    'confirm', 'reject', 'possible_sibling', 'possible_duplicate', 'request_information', 'information_received', 'reopen', 'withdraw', 'supersede',
  ];
  const CODE = { DECIDED: 'PROPOSAL_ALREADY_DECIDED', INVALID: 'INVALID_TRANSITION', WITHDRAWN: 'PROPOSAL_WITHDRAWN', SUPERSEDED: 'PROPOSAL_SUPERSEDED' } as const;

  it('the orders match the module', () => {
    expect([...ORDER].sort()).toEqual([...PROPOSAL_DECISION_TYPES].sort());
    expect(Object.keys(EXPECTED).sort()).toEqual([...PROPOSAL_STATUSES].sort());
  });

  const cells = PROPOSAL_STATUSES.flatMap((s) => ORDER.map((d, i) => [s, d, EXPECTED[s][i]] as const));
  it.each(cells)('%s + %s → %s', (status, type, expected) => {
    const p = proposalIn(status);
    expect(p.status).toBe(status);
    const r = decide(p, DECISION[type], actorFor(type));
    if (expected === 'ok') {
      const { next, event } = ok(r);
      expect(next.status).toBe(DECISION_TARGET[type]);
      expect(event).toMatchObject({ from: status, to: DECISION_TARGET[type], decision: type, proposalVersion: p.version + 1 });
    } else if (expected === 'dup') {
      expect(r).toEqual({ ok: true, duplicate: true, next: p });
    } else {
      refused(r, CODE[expected]);
    }
  });

  it('the derived transition table is the documented one', () => {
    expect(PROPOSAL_TRANSITIONS).toEqual({
      pending: ['confirmed', 'rejected', 'possible_sibling', 'possible_duplicate', 'info_requested', 'withdrawn', 'superseded'],
      info_requested: ['confirmed', 'rejected', 'possible_sibling', 'possible_duplicate', 'pending', 'withdrawn', 'superseded'],
      possible_sibling: ['confirmed', 'rejected', 'info_requested', 'withdrawn'],
      possible_duplicate: ['confirmed', 'rejected', 'info_requested', 'withdrawn'],
      confirmed: [],
      rejected: ['pending'],
      withdrawn: ['pending'],
      superseded: [],
    });
  });

  it('a refusal on a decided proposal says what is still possible', () => {
    refused(decide(proposalIn('possible_sibling'), DECISION.possible_duplicate), 'PROPOSAL_ALREADY_DECIDED', /still possible: confirm, reject, request_information/);
    refused(decide(proposalIn('confirmed'), DECISION.reject), 'PROPOSAL_ALREADY_DECIDED', /final/);
  });
});

// ---- confirm ----------------------------------------------------------------------------------

describe('confirm', () => {
  it('opens a case in match_confirmed for a child ↔ sought-child proposal', () => {
    const r = ok(decide(pending(), { type: 'confirm', caseId: 'case-7', commandId: 'cmd-1', correlationId: 'corr-1', note: 'photos match' }, COORD_A));
    if (!r.openCase) throw new Error('expected a case');
    expect(r.next).toMatchObject({ status: 'confirmed', caseId: 'case-7', version: 2 });
    expect(r.caseState).toMatchObject({
      caseId: 'case-7', proposalId: 'proposal-1', status: 'match_confirmed', version: 1, childId: 'child-1', tracingRequestId: 'request-1',
      soughtChildRef: 'sought-1', childAgencyId: 'agency-a', requestAgencyId: 'agency-b', openedAt: T.later,
    });
    expect(r.caseOpened).toMatchObject({ type: 'case.opened', caseId: 'case-7', commandId: 'cmd-1', correlationId: 'corr-1', actor: COORD_A });
    expect(r.event).toMatchObject({ decision: 'confirm', caseId: 'case-7', note: 'photos match', commandId: 'cmd-1', notifyAgencyIds: ['agency-a', 'agency-b'] });
    // the opened case works with the workflow
    expect(decideTransition(r.caseState, { type: 'start_verification' }, COORD_A, T.later)).toMatchObject({ ok: true });
  });

  it('records a safeguarding override after the coordinator’s note, which keeps its own length limit', () => {
    const note = 'n'.repeat(2000);
    const safeguardingOverride = { rule: 'RESTRICTED_ROLE_CLAIMED', by: 'sup-s', reason: 'r'.repeat(2000) };
    const r = ok(decide(pending(), { type: 'confirm', caseId: 'case-8', note, safeguardingOverride }, SUP_S));
    expect(r.event.note).toBe(`${note} — safeguarding restriction RESTRICTED_ROLE_CLAIMED overridden by sup-s: ${'r'.repeat(2000)}`);
    expect(r.next.lastDecision?.note).toBe(r.event.note);
    expect(ok(decide(pending(), { type: 'confirm', caseId: 'case-8', safeguardingOverride }, SUP_S)).event.note)
      .toBe(`safeguarding restriction RESTRICTED_ROLE_CLAIMED overridden by sup-s: ${'r'.repeat(2000)}`);
    refused(decide(pending(), { type: 'confirm', caseId: 'case-8', note: 'n'.repeat(2001), safeguardingOverride }, SUP_S), 'DETAILS_INVALID');
  });

  it('finds the child side whichever side it is on', () => {
    const r = ok(decide(pending({ left: SOUGHT, right: CHILD }), DECISION.confirm));
    if (!r.openCase) throw new Error('expected a case');
    expect(r.caseState).toMatchObject({ childId: 'child-1', tracingRequestId: 'request-1', childAgencyId: 'agency-a', requestAgencyId: 'agency-b' });
  });

  it('needs the id of the case to open', () => {
    refused(decide(pending(), { type: 'confirm' }), 'DETAILS_INVALID', /caseId/);
    refused(decide(pending(), { type: 'confirm', caseId: ' ' }), 'DETAILS_INVALID', /caseId/);
  });

  it('does not open a case for a proposal of another kind', () => {
    const dup = pending({ kind: 'duplicate-child', right: { type: 'child', id: 'child-2', agencyId: 'agency-c' } });
    const r = ok(decide(dup, { type: 'confirm' }));
    expect(r.openCase).toBe(false);
    expect(r.next).toMatchObject({ status: 'confirmed', caseId: null });
  });

  it('a child-sought proposal without a child side is refused', () => {
    refused(decide(pending({ left: SOUGHT, right: { ...SOUGHT, id: 'request-2' } }), DECISION.confirm), 'DETAILS_INVALID');
  });

  it('a second confirm, by anyone and with another case id, never opens a second case', () => {
    const confirmed = ok(decide(pending(), { type: 'confirm', caseId: 'case-7' }, COORD_A)).next;
    const again = decide(confirmed, { type: 'confirm', caseId: 'case-8', commandId: 'other' }, SUP_S);
    expect(again).toEqual({ ok: true, duplicate: true, next: confirmed });
    expect(confirmed.caseId).toBe('case-7');
  });

  it('a tentative mark can still be confirmed', () => {
    const r = ok(decide(proposalIn('possible_sibling'), DECISION.confirm));
    expect(r.openCase).toBe(true);
  });
});

// ---- reject and the remembered pair -----------------------------------------------------------

describe('reject', () => {
  it('needs a known reason code; other needs a note', () => {
    refused(decide(pending(), { type: 'reject' }), 'REJECT_REASON_REQUIRED', /needs a reason code/);
    refused(decide(pending(), { type: 'reject', reasonCode: 'ugly' }), 'REJECT_REASON_REQUIRED', /unknown reason code/);
    refused(decide(pending(), { type: 'reject', reasonCode: 'other' }), 'NOTE_REQUIRED');
    ok(decide(pending(), { type: 'reject', reasonCode: 'other', note: 'child is much older' }));
  });

  it.each(['not_same_child', 'different_family', 'insufficient_information', 'duplicate_record'])('remembers %s with the pair’s fingerprint', (reasonCode) => {
    const r = ok(decide(pending(), { type: 'reject', reasonCode, note: 'n' }, COORD_A));
    expect(r.next.rejection).toEqual({ reasonCode, note: 'n', at: T.later, by: COORD_A.id, fingerprint: 'fp-1' });
    expect(r.event).toMatchObject({ reasonCode, fingerprint: 'fp-1', to: 'rejected' });
  });

  it('the same rejection again is a duplicate; a different reason is refused', () => {
    const rejected = proposalIn('rejected');
    expect(decide(rejected, { type: 'reject', reasonCode: 'not_same_child' })).toMatchObject({ ok: true, duplicate: true });
    refused(decide(rejected, { type: 'reject', reasonCode: 'different_family' }), 'PROPOSAL_ALREADY_DECIDED');
    refused(decide(rejected, DECISION.confirm), 'PROPOSAL_ALREADY_DECIDED', /rejected/);
  });

  it('the pair comes back only with a changed fingerprint', () => {
    const rejected = proposalIn('rejected');
    refused(decide(rejected, { type: 'reopen', fingerprint: 'fp-1' }, SYSTEM), 'REJECTED_PAIR_UNCHANGED');
    refused(decide(rejected, { type: 'reopen', fingerprint: '' }, SYSTEM), 'DETAILS_INVALID');
    const r = ok(decide(rejected, { type: 'reopen', fingerprint: 'fp-2' }, SYSTEM));
    expect(r.next).toMatchObject({ status: 'pending', fingerprint: 'fp-2', rejection: null });
    expect(r.event).toMatchObject({ decision: 'reopen', from: 'rejected', to: 'pending', fingerprint: 'fp-2' });
  });

  it('only the system reopens a pair', () => {
    refused(decide(proposalIn('rejected'), { type: 'reopen', fingerprint: 'fp-2' }, COORD_A), 'ROLE_NOT_ALLOWED');
  });
});

describe('shouldReopenRejected', () => {
  it.each([
    ['fp-1', 'fp-1', false],
    ['fp-1', ' fp-1 ', false],
    ['fp-1', 'fp-2', true],
    ['fp-1', '', false],
    ['fp-1', null, false],
    ['fp-1', undefined, false],
    [null, 'fp-2', true],
    ['', 'fp-2', true],
    [null, null, false],
  ] as const)('%p → %p: %p', (before, after, expected) => {
    expect(shouldReopenRejected(before, after)).toBe(expected);
  });
});

describe('refreshProposalFingerprint', () => {
  it.each(['pending', 'info_requested', 'possible_sibling', 'possible_duplicate'] as const)('keeps the new fingerprint of a %s proposal, without a decision', (status) => {
    const p = proposalIn(status);
    const next = refreshProposalFingerprint(p, 'fp-2', T.later);
    expect(next).toEqual({ ...p, fingerprint: 'fp-2', updatedAt: T.later });
  });

  it('so that a later rejection remembers the records as reviewed, and the same fingerprint does not reopen it', () => {
    const refreshed = refreshProposalFingerprint(pending(), 'fp-2', T.start);
    const rejected = ok(decide(refreshed, DECISION.reject)).next;
    expect(rejected.rejection?.fingerprint).toBe('fp-2');
    refused(decide(rejected, { type: 'reopen', fingerprint: 'fp-2' }, SYSTEM), 'REJECTED_PAIR_UNCHANGED');
  });

  it.each(['confirmed', 'rejected', 'withdrawn', 'superseded'] as const)('leaves a %s proposal alone', (status) => {
    const p = proposalIn(status);
    expect(refreshProposalFingerprint(p, 'fp-2', T.later)).toBe(p);
  });

  it('ignores an empty or unchanged fingerprint', () => {
    const p = pending();
    expect(refreshProposalFingerprint(p, '', T.later)).toBe(p);
    expect(refreshProposalFingerprint(p, 'fp-1', T.later)).toBe(p);
  });
});

describe('proposalPairKey', () => {
  it('does not depend on side order, and tells sought children apart', () => {
    expect(proposalPairKey({ kind: 'child-sought', left: CHILD, right: SOUGHT })).toBe(proposalPairKey({ kind: 'child-sought', left: SOUGHT, right: CHILD }));
    expect(proposalPairKey({ kind: 'child-sought', left: CHILD, right: SOUGHT }))
      .not.toBe(proposalPairKey({ kind: 'child-sought', left: CHILD, right: { ...SOUGHT, ref: 'sought-2' } }));
    expect(proposalPairKey({ kind: 'child-sought', left: CHILD, right: SOUGHT })).toBe('child-sought|child:child-1|sought-child:request-1#sought-1');
  });
});

// ---- information ------------------------------------------------------------------------------

describe('request more information', () => {
  it('needs a note saying what is asked', () => {
    refused(decide(pending(), { type: 'request_information' }), 'NOTE_REQUIRED');
    refused(decide(pending(), { type: 'request_information', note: '  ' }), 'NOTE_REQUIRED');
  });

  it.each([
    ['left', ['agency-a']],
    ['right', ['agency-b']],
    ['both', ['agency-a', 'agency-b']],
    [undefined, ['agency-a', 'agency-b']],
  ] as const)('about %p asks %p', (about, agencies) => {
    const r = ok(decide(pending(), { type: 'request_information', note: 'date of separation?', about }, COORD_A));
    expect(r.event.informationRequestedFrom).toEqual(agencies);
    expect(r.next.informationRequest).toEqual({
      about: about ?? 'both', note: 'date of separation?', toAgencyIds: agencies, at: T.later, by: COORD_A.id, answeredAt: null,
    });
  });

  it('refuses an unknown about', () => {
    refused(decide(pending(), { type: 'request_information', note: 'x', about: 'middle' }), 'DETAILS_INVALID');
  });

  it('back to pending when the information arrives (from a coordinator or the system)', () => {
    const asked = proposalIn('info_requested');
    for (const actor of [COORD_A, SYSTEM]) {
      const r = ok(decide(asked, { type: 'information_received' }, actor, T.later));
      expect(r.next.status).toBe('pending');
      expect(r.next.informationRequest?.answeredAt).toBe(T.later);
    }
  });

  it('a decision can be taken without waiting for the answer', () => {
    expect(ok(decide(proposalIn('info_requested'), DECISION.reject)).next.status).toBe('rejected');
  });
});

// ---- roles and idempotency --------------------------------------------------------------------

describe('roles', () => {
  const human: ProposalDecisionType[] = ['confirm', 'reject', 'possible_sibling', 'possible_duplicate', 'request_information'];
  it.each([AUDITOR, AGENCY_ADMIN, SYSTEM_ADMIN, AGENCY, SYSTEM].flatMap((a) => human.map((t) => [a.role, t, a] as const)))('%s cannot %s', (_r, type, actor) => {
    refused(decide(pending(), DECISION[type], actor), 'ROLE_NOT_ALLOWED');
  });

  it.each(['reopen', 'withdraw', 'supersede'] as const)('only the system can %s', (type) => {
    const p = type === 'reopen' ? proposalIn('rejected') : pending();
    refused(decide(p, DECISION[type], COORD_A), 'ROLE_NOT_ALLOWED');
    refused(decide(p, DECISION[type], SUP_S), 'ROLE_NOT_ALLOWED');
  });

  it('auditors are told they are read-only', () => {
    refused(decide(pending(), DECISION.confirm, AUDITOR), 'ROLE_NOT_ALLOWED', /read-only/);
  });

  it('supervisors decide like coordinators', () => {
    ok(decide(pending(), DECISION.reject, SUP_S));
  });
});

describe('idempotency and validation', () => {
  it('a replayed command id is a duplicate with no event', () => {
    const first = ok(decide(pending(), { ...DECISION.possible_sibling, commandId: 'k1' }, COORD_A));
    expect(decide(first.next, { ...DECISION.possible_sibling, commandId: 'k1' }, COORD_A)).toEqual({ ok: true, duplicate: true, next: first.next });
  });

  it('a replayed confirm (same command id) after further decisions is still a duplicate', () => {
    const confirmed = ok(decide(pending(), { ...DECISION.confirm, commandId: 'k1' }, COORD_A)).next;
    expect(decide(confirmed, { ...DECISION.confirm, commandId: 'k1' }, COORD_A)).toMatchObject({ ok: true, duplicate: true });
  });

  it('a confirm redelivered with the same command id but a freshly assigned case id is a duplicate', () => {
    const confirmed = ok(decide(pending(), { type: 'confirm', caseId: 'case-a', commandId: 'k1' }, COORD_A)).next;
    expect(decide(confirmed, { type: 'confirm', caseId: 'case-b', commandId: 'k1' }, COORD_A)).toEqual({ ok: true, duplicate: true, next: confirmed });
    expect(confirmed.caseId).toBe('case-a');
  });

  it('the same id for another decision is refused', () => {
    const first = ok(decide(pending(), { ...DECISION.request_information, commandId: 'k1' }, COORD_A)).next;
    refused(decide(first, { ...DECISION.reject, commandId: 'k1' }, COORD_A), 'COMMAND_ID_REUSED');
  });

  it('unknown decisions and malformed ids are refused', () => {
    refused(decide(pending(), { type: 'approve' }), 'UNKNOWN_COMMAND');
    refused(decide(pending(), null), 'UNKNOWN_COMMAND');
    refused(decide(pending(), { ...DECISION.possible_sibling, commandId: 3 }), 'DETAILS_INVALID');
    refused(decide(pending(), { ...DECISION.possible_sibling, note: 'x'.repeat(2001) }), 'DETAILS_INVALID');
    refused(decide(pending(), { type: 'withdraw', reasonCode: 'bored' }, SYSTEM), 'DETAILS_INVALID');
    refused(decide(pending(), { type: 'supersede' }, SYSTEM), 'DETAILS_INVALID');
  });

  it('does not mutate its inputs', () => {
    const p = deepFreeze(pending());
    const snapshot = JSON.stringify(p);
    ok(decideOnProposal(p, deepFreeze({ type: 'confirm', caseId: 'c' }), COORD_A, T.later));
    expect(JSON.stringify(p)).toBe(snapshot);
  });

  it('the event names who, when, from, to and why', () => {
    const r = ok(decide(pending(), { type: 'reject', reasonCode: 'different_family', note: 'other mother', commandId: 'k', correlationId: 'c' }, COORD_A));
    expect(r.event).toEqual({
      type: 'proposal.decided',
      eventId: 'proposal-1:2',
      proposalId: 'proposal-1',
      kind: 'child-sought',
      decision: 'reject',
      from: 'pending',
      to: 'rejected',
      proposalVersion: 2,
      actor: COORD_A,
      occurredAt: T.later,
      commandId: 'k',
      correlationId: 'c',
      reasonCode: 'different_family',
      note: 'other mother',
      caseId: null,
      fingerprint: 'fp-1',
      informationRequestedFrom: [],
      notifyAgencyIds: ['agency-a', 'agency-b'],
    });
    expect(r.next.lastDecision).toEqual({ decision: 'reject', reasonCode: 'different_family', note: 'other mother', actor: COORD_A, at: T.later });
  });
});

describe('newProposal', () => {
  it('starts pending at version 1 and keeps only the known fields', () => {
    const p = newProposal({
      proposalId: 'p', kind: 'child-sought', left: CHILD, right: SOUGHT, fingerprint: 'f',
      explanation: [{ field: 'name' }], score: 0.9,
    } as Parameters<typeof newProposal>[0], T.open);
    expect(p).toMatchObject({ status: 'pending', version: 1, createdAt: T.open, lastDecision: null });
    expect(p).not.toHaveProperty('explanation');
    expect(p).not.toHaveProperty('score');
  });

  it('throws on malformed input', () => {
    expect(() => pending({ proposalId: '' })).toThrow(/proposalId/);
    expect(() => pending({ kind: 'cousin' as never })).toThrow(/kind/);
    expect(() => pending({ fingerprint: '' })).toThrow(/fingerprint/);
    expect(() => pending({ left: { type: 'child', id: '', agencyId: 'a' } })).toThrow(/side/);
  });
});

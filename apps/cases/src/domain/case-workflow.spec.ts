import { Actor } from './actor';
import {
  ACTIVE_CASE_STATUSES,
  CASE_STATUSES,
  CASE_TRANSITIONS,
  CaseStatus,
  PRE_VERIFICATION_STATUSES,
  REOPEN_TARGETS,
} from './case-status';
import {
  CASE_COMMAND_ROLES,
  CASE_COMMAND_TYPES,
  CASE_RULES,
  COMMAND_ACCEPTED_IN,
  COMMAND_TARGET,
  CaseCommand,
  CaseCommandType,
  CaseDecision,
  CaseState,
  CaseTransitioned,
  decideTransition,
  openCase,
  reopenTargetOf,
} from './case-workflow';
import { MAX_REMEMBERED_COMMANDS } from './idempotency';
import {
  AGENCY,
  AGENCY_ADMIN,
  AUDITOR,
  CASE_IDS,
  CMD,
  COORD_A,
  COORD_B,
  FULL_CHECKLIST,
  SUP_S,
  SUP_T,
  SYSTEM,
  SYSTEM_ADMIN,
  T,
  apply,
  caseIn,
  deepFreeze,
  newCase,
} from './testing/case-fixtures';

// ---- helpers ----------------------------------------------------------------------------------

function expectRefused(r: CaseDecision, code: keyof typeof CASE_RULES, ruleIncludes?: string | RegExp) {
  if (r.ok) throw new Error(`expected ${code}, but the command succeeded (${r.duplicate ? 'duplicate' : `${r.event.from} → ${r.event.to}`})`);
  expect(r.error.code).toBe(code);
  expect(r.error.httpStatus).toBe(CASE_RULES[code].httpStatus);
  expect(r.error.rule.length).toBeGreaterThan(10);
  if (ruleIncludes) expect(r.error.rule).toMatch(ruleIncludes);
  return r.error;
}

function expectTransition(r: CaseDecision): { next: CaseState; event: CaseTransitioned } {
  if (!r.ok) throw new Error(`expected success, got ${r.error.code}: ${r.error.rule}`);
  if (r.duplicate) throw new Error('expected a new transition, got a duplicate');
  return { next: r.next, event: r.event };
}

const run = (state: CaseState, command: unknown, actor: Actor = COORD_B, now: string = T.later) =>
  decideTransition(state, command as CaseCommand, actor, now);

/** The actor that may issue each command in the matrix tests. */
function actorFor(type: CaseCommandType): Actor {
  if (type === 'supersede') return SYSTEM;
  if (type === 'approve_verification' || type === 'fail_verification') return SUP_T;
  return COORD_B;
}

/** The one command that leads to `to` (resume and reopen excepted). */
function canonicalCommandFor(to: CaseStatus): CaseCommand | null {
  const byTarget: Partial<Record<CaseStatus, CaseCommand>> = {
    verification_in_progress: CMD.start,
    verification_submitted: CMD.submit,
    verified: CMD.approve,
    verification_failed: CMD.fail,
    reunification_planned: { ...CMD.plan, plannedDate: '2025-06-20' },
    reunified: { ...CMD.reunify, date: '2025-06-09' },
    follow_up: { ...CMD.followUp, visitDate: '2025-06-09' },
    closed: CMD.close,
    alternative_care: CMD.alternativeCare,
    suspended: CMD.suspend,
    superseded: CMD.supersede,
  };
  return byTarget[to] ?? null;
}

/** A case in `from`; for suspended / closed, the status held before is chosen so resume / reopen could reach `to`. */
function stateFor(from: CaseStatus, to: CaseStatus): CaseState {
  if (from === 'suspended') return caseIn('suspended', ACTIVE_CASE_STATUSES.includes(to) ? to : 'match_confirmed');
  if (from === 'closed') {
    const before = (Object.keys(REOPEN_TARGETS) as (keyof typeof REOPEN_TARGETS)[]).find((b) => b === to) ?? 'match_confirmed';
    return caseIn('closed', before);
  }
  return caseIn(from);
}

// ---- the transition table ---------------------------------------------------------------------

describe('transition table: every from × to pair', () => {
  const pairs = CASE_STATUSES.flatMap((from) => CASE_STATUSES.map((to) => [from, to] as const));
  const allowed = pairs.filter(([from, to]) => CASE_TRANSITIONS[from].includes(to));
  const refused = pairs.filter(([from, to]) => !CASE_TRANSITIONS[from].includes(to));

  it('covers 144 pairs, of which the table allows 65', () => {
    expect(pairs).toHaveLength(144);
    expect(allowed).toHaveLength(65);
  });

  it.each(allowed)('%s → %s is allowed, with an event', (from, to) => {
    const state = stateFor(from, to);
    expect(state.status).toBe(from);
    const candidates: CaseCommand[] = [];
    const canonical = canonicalCommandFor(to);
    if (canonical) candidates.push(canonical);
    if (from === 'suspended') candidates.push(CMD.resume);
    if (from === 'closed') candidates.push(CMD.reopen);
    const results = candidates.map((c) => run(state, c, actorFor(c.type)));
    const hit = results.find((r) => r.ok && !r.duplicate && r.next.status === to);
    if (!hit || !hit.ok || hit.duplicate) {
      throw new Error(`no command led from ${from} to ${to}: ${results.map((r) => (r.ok ? 'ok' : `${r.error.code} ${r.error.rule}`)).join(' | ')}`);
    }
    expect(hit.event.from).toBe(from);
    expect(hit.event.to).toBe(to);
    expect(hit.event.caseVersion).toBe(state.version + 1);
    expect(hit.next.version).toBe(state.version + 1);
  });

  it.each(refused)('%s → %s is refused by every command that could lead there', (from, to) => {
    const state = stateFor(from, to);
    const canonical = canonicalCommandFor(to);
    const candidates: CaseCommand[] = [CMD.resume, CMD.reopen, ...(canonical ? [canonical] : [])];
    for (const c of candidates) {
      const r = run(state, c, actorFor(c.type));
      if (r.ok && !r.duplicate) expect(r.next.status).not.toBe(to);
    }
    // the error of the command aimed at `to`
    const aimed = canonical ?? (from === 'suspended' ? CMD.resume : CMD.reopen);
    const r = run(state, aimed, actorFor(aimed.type));
    let expected: keyof typeof CASE_RULES = 'INVALID_TRANSITION';
    if (from === 'superseded') expected = 'CASE_SUPERSEDED';
    else if (from === 'closed' && aimed.type !== 'reopen') expected = 'CASE_CLOSED';
    else if ((to === 'reunified' || to === 'reunification_planned') && PRE_VERIFICATION_STATUSES.includes(from)) {
      expected = 'REUNIFICATION_REQUIRES_VERIFICATION';
    }
    expectRefused(r, expected);
  });

  it('the per-command tables (accepted-in × target, resume, reopen) produce exactly CASE_TRANSITIONS', () => {
    const derived: Record<string, Set<string>> = Object.fromEntries(CASE_STATUSES.map((s) => [s, new Set<string>()]));
    for (const type of CASE_COMMAND_TYPES) {
      for (const from of COMMAND_ACCEPTED_IN[type]) {
        if (type === 'resume') ACTIVE_CASE_STATUSES.forEach((s) => derived[from].add(s));
        else if (type === 'reopen') Object.values(REOPEN_TARGETS).forEach((s) => derived[from].add(s));
        else derived[from].add(COMMAND_TARGET[type as keyof typeof COMMAND_TARGET]);
      }
    }
    for (const s of CASE_STATUSES) expect([...derived[s]].sort()).toEqual([...CASE_TRANSITIONS[s]].sort());
  });
});

// ---- the happy path ---------------------------------------------------------------------------

describe('a case from match_confirmed to closed', () => {
  it('walks the whole workflow and records every step', () => {
    const events: CaseTransitioned[] = [];
    let s = newCase();
    const step = (command: CaseCommand, actor: Actor, now: string) => {
      const { next, event } = expectTransition(decideTransition(s, command, actor, now));
      events.push(event);
      s = next;
    };
    step({ ...CMD.start, commandId: 'c1' }, COORD_A, T.start);
    step({ ...CMD.submit, commandId: 'c2' }, COORD_A, T.submit);
    step({ ...CMD.approve, commandId: 'c3' }, SUP_S, T.approve);
    step({ ...CMD.plan, commandId: 'c4' }, COORD_A, T.plan);
    step({ ...CMD.reunify, commandId: 'c5' }, COORD_A, T.reunify);
    step({ ...CMD.followUp, commandId: 'c6' }, COORD_B, T.followUp);
    step({ type: 'close', reasonCode: 'reunified_and_stable', commandId: 'c7' }, COORD_A, T.later);
    expect(events.map((e) => `${e.from}>${e.to}`)).toEqual([
      'match_confirmed>verification_in_progress',
      'verification_in_progress>verification_submitted',
      'verification_submitted>verified',
      'verified>reunification_planned',
      'reunification_planned>reunified',
      'reunified>follow_up',
      'follow_up>closed',
    ]);
    expect(events.map((e) => e.caseVersion)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(events.map((e) => e.eventId)).toEqual([2, 3, 4, 5, 6, 7, 8].map((v) => `case-1:${v}`));
    expect(s.status).toBe('closed');
    expect(s.verification).toMatchObject({ round: 1, submittedBy: COORD_A.id, approvedBy: SUP_S.id, approvedAt: T.approve });
    expect(s.reunification).toMatchObject({ date: '2025-05-20', reunitedWithVerifiedAdult: true, recordedBy: COORD_A.id });
    expect(s.followUps).toHaveLength(1);
    expect(s.closure).toEqual({ reasonCode: 'reunified_and_stable', note: null, at: T.later, by: COORD_A.id });
    expect(s.appliedCommands.map((a) => a.commandId)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
  });

  it('openCase creates a match_confirmed case at version 1 with a case.opened event', () => {
    const { state, event } = openCase({ ...CASE_IDS, soughtChildRef: 'sought-2', commandId: 'confirm-1', correlationId: 'corr-1' }, COORD_A, T.open);
    expect(state).toMatchObject({ status: 'match_confirmed', version: 1, openedAt: T.open, soughtChildRef: 'sought-2', followUps: [], appliedCommands: [] });
    expect(event).toEqual({
      type: 'case.opened',
      eventId: 'case-1:1',
      caseId: 'case-1',
      proposalId: 'proposal-1',
      childId: 'child-1',
      tracingRequestId: 'request-1',
      soughtChildRef: 'sought-2',
      childAgencyId: 'agency-a',
      requestAgencyId: 'agency-b',
      status: 'match_confirmed',
      caseVersion: 1,
      actor: COORD_A,
      occurredAt: T.open,
      commandId: 'confirm-1',
      correlationId: 'corr-1',
      notifyAgencyIds: ['agency-a', 'agency-b'],
    });
  });

  it('openCase throws on a missing id (a programming error, not a rule)', () => {
    expect(() => openCase({ ...CASE_IDS, childId: '' }, COORD_A, T.open)).toThrow(/childId/);
  });

  it('a malformed now throws', () => {
    expect(() => decideTransition(newCase(), CMD.start, COORD_A, 'yesterday')).toThrow(RangeError);
    expect(() => decideTransition(newCase(), CMD.start, COORD_A, '2025-06-10')).toThrow(RangeError);
  });
});

// ---- events -----------------------------------------------------------------------------------

describe('events: who, when, from, to, why and what was recorded', () => {
  it('carries actor, time, ids, reason, note and correlation id', () => {
    const state = caseIn('verification_in_progress');
    const { event } = expectTransition(run(state, {
      type: 'fail_verification', reasonCode: 'other', note: '  adult gave a different village  ', commandId: 'cmd-9', correlationId: 'corr-9',
      checklist: { adultWantsToCare: true, informationMatches: false, childWishes: 'refuses' },
    }, COORD_B, T.later));
    expect(event).toEqual({
      type: 'case.transitioned',
      eventId: 'case-1:3',
      caseId: 'case-1',
      proposalId: 'proposal-1',
      childId: 'child-1',
      tracingRequestId: 'request-1',
      soughtChildRef: null,
      command: 'fail_verification',
      from: 'verification_in_progress',
      to: 'verification_failed',
      caseVersion: 3,
      actor: COORD_B,
      occurredAt: T.later,
      commandId: 'cmd-9',
      correlationId: 'corr-9',
      reasonCode: 'other',
      note: 'adult gave a different village',
      details: {
        kind: 'fail_verification', round: 1, revokedApproval: false,
        findings: { adultWantsToCare: true, informationMatches: false, childWishes: 'refuses' },
      },
      notifyAgencyIds: ['agency-a', 'agency-b'],
    });
  });

  it('submit records the checklist, and only the checklist’s own fields', () => {
    const state = caseIn('verification_in_progress');
    const { next, event } = expectTransition(run(state, {
      type: 'submit_verification',
      checklist: { ...FULL_CHECKLIST, childName: 'should not be stored', adultPhone: '+243 000' },
    }));
    expect(event.details).toEqual({ kind: 'submit_verification', round: 1, checklist: FULL_CHECKLIST });
    expect(next.verification.checklist).toEqual(FULL_CHECKLIST);
    expect(JSON.stringify(event)).not.toMatch(/should not be stored|\+243/);
  });

  it('approve names the submitter; reunification and follow-up details are recorded', () => {
    const approved = expectTransition(run(caseIn('verification_submitted'), CMD.approve, SUP_T, T.approve)).event;
    expect(approved.details).toEqual({ kind: 'approve_verification', round: 1, submittedBy: COORD_A.id, checklist: FULL_CHECKLIST });

    const reunified = expectTransition(run(caseIn('reunification_planned'), {
      type: 'record_reunification', date: '2025-06-01', place: 'Bukavu transit centre', reunitedWithVerifiedAdult: false,
      notReunitedReasonCode: 'death_of_adult',
    }));
    expect(reunified.event.reasonCode).toBe('death_of_adult');
    expect(reunified.event.details).toEqual({
      kind: 'record_reunification', date: '2025-06-01', place: 'Bukavu transit centre', reunitedWithVerifiedAdult: false, notReunitedReasonCode: 'death_of_adult',
    });
    expect(reunified.next.reunification).toMatchObject({ notReunitedReasonCode: 'death_of_adult', recordedBy: COORD_B.id, recordedAt: T.later });

    const followed = expectTransition(run(caseIn('reunified'), {
      type: 'record_follow_up', visitDate: '2025-06-05', childSeen: true, outcomeCode: 'needs_support', needsFurtherFollowUp: true,
      nextVisitDueBy: '2025-07-05', note: 'school fees',
    }));
    expect(followed.event.details).toEqual({
      kind: 'record_follow_up',
      visit: {
        visitDate: '2025-06-05', childSeen: true, outcomeCode: 'needs_support', needsFurtherFollowUp: true, nextVisitDueBy: '2025-07-05',
        note: 'school fees', recordedAt: T.later, recordedBy: COORD_B.id,
      },
    });
  });

  it('rescheduling a planned reunification and a second follow-up visit are transitions too', () => {
    const replanned = expectTransition(run(caseIn('reunification_planned'), { ...CMD.plan, plannedDate: '2025-06-30', place: 'Uvira' }));
    expect(replanned.event).toMatchObject({ from: 'reunification_planned', to: 'reunification_planned' });
    expect(replanned.event.details).toEqual({ kind: 'plan_reunification', plannedDate: '2025-06-30', place: 'Uvira', rescheduled: true });
    const second = expectTransition(run(caseIn('follow_up'), { ...CMD.followUp, visitDate: '2025-06-08' }));
    expect(second.next.followUps.map((v) => v.visitDate)).toEqual(['2025-05-25', '2025-06-08']);
  });

  it('never mutates the state or the command it is given', () => {
    const state = deepFreeze(caseIn('verification_submitted'));
    const command = deepFreeze({ ...CMD.approve, commandId: 'x' });
    const snapshot = JSON.stringify(state);
    expectTransition(decideTransition(state, command, SUP_T, T.later));
    expect(JSON.stringify(state)).toBe(snapshot);
  });
});

// ---- roles ------------------------------------------------------------------------------------

describe('ROLE_NOT_ALLOWED / SUPERVISOR_REQUIRED', () => {
  const nonCasework = [AUDITOR, AGENCY_ADMIN, SYSTEM_ADMIN, AGENCY];
  const humanCommands = CASE_COMMAND_TYPES.filter((t) => t !== 'supersede');

  it.each(nonCasework.flatMap((a) => humanCommands.map((t) => [a.role, t, a] as const)))('%s cannot %s', (_role, type, actor) => {
    const state = caseIn(COMMAND_ACCEPTED_IN[type][0], 'verified');
    const command = { ...(canonicalCommandFor(COMMAND_TARGET[type as keyof typeof COMMAND_TARGET]) ?? { type }), type } as CaseCommand;
    expectRefused(run(state, command, actor), 'ROLE_NOT_ALLOWED');
  });

  it('auditors are told they are read-only', () => {
    expectRefused(run(newCase(), CMD.start, AUDITOR), 'ROLE_NOT_ALLOWED', /read-only/);
  });

  it.each([COORD_A, SUP_S, AUDITOR, SYSTEM_ADMIN])('only the system supersedes (%s cannot)', (actor) => {
    expectRefused(run(newCase(), CMD.supersede, actor), 'ROLE_NOT_ALLOWED');
  });

  it('the system cannot do casework', () => {
    expectRefused(run(newCase(), CMD.start, SYSTEM), 'ROLE_NOT_ALLOWED');
  });

  it('a coordinator cannot approve a verification', () => {
    expectRefused(run(caseIn('verification_submitted'), CMD.approve, COORD_B), 'SUPERVISOR_REQUIRED', /supervisor/);
  });

  it.each(['verified', 'reunification_planned'] as const)('revoking an approved verification (%s) needs a supervisor', (from) => {
    expectRefused(run(caseIn(from), CMD.fail, COORD_B), 'SUPERVISOR_REQUIRED', /revoking/);
    const { next, event } = expectTransition(run(caseIn(from), CMD.fail, SUP_T));
    expect(event.details).toMatchObject({ revokedApproval: true });
    expect(next.verification.approvedAt).toBeNull();
    expect(next.reunificationPlan).toBeNull();
  });

  it.each(['verification_in_progress', 'verification_submitted'] as const)('a coordinator may fail a verification not yet approved (%s)', (from) => {
    expectTransition(run(caseIn(from), CMD.fail, COORD_B));
  });
});

// ---- four eyes --------------------------------------------------------------------------------

describe('FOUR_EYES: the approver is not the submitter', () => {
  it('a supervisor cannot approve a verification they submitted', () => {
    const submittedBySupervisor = apply(caseIn('verification_in_progress'), CMD.submit, SUP_S, T.submit);
    expectRefused(run(submittedBySupervisor, CMD.approve, SUP_S), 'FOUR_EYES', /another supervisor/);
    const { next } = expectTransition(run(submittedBySupervisor, CMD.approve, SUP_T));
    expect(next.verification).toMatchObject({ submittedBy: SUP_S.id, approvedBy: SUP_T.id });
  });

  it('another supervisor approves a coordinator’s submission', () => {
    expectTransition(run(caseIn('verification_submitted'), CMD.approve, SUP_S));
  });

  it('is refused when the submitter is not recorded', () => {
    const state = caseIn('verification_submitted');
    const broken: CaseState = { ...state, verification: { ...state.verification, submittedBy: null } };
    expectRefused(run(broken, CMD.approve, SUP_T), 'FOUR_EYES');
  });

  it('a re-submission after failure needs a fresh approval by someone else than the new submitter', () => {
    let s = apply(caseIn('verification_submitted'), CMD.fail, COORD_A, T.approve);
    s = apply(s, CMD.start, COORD_A, T.plan);
    s = apply(s, CMD.submit, SUP_T, T.plan);
    expect(s.verification).toMatchObject({ round: 2, submittedBy: SUP_T.id, approvedBy: null });
    expectRefused(run(s, CMD.approve, SUP_T), 'FOUR_EYES');
    expectTransition(run(s, CMD.approve, SUP_S));
  });
});

// ---- checklist --------------------------------------------------------------------------------

describe('CHECKLIST_INCOMPLETE', () => {
  const inProgress = caseIn('verification_in_progress');
  const submit = (checklist: unknown) => run(inProgress, { type: 'submit_verification', checklist });
  const items = ['adultWantsToCare', 'adultAbleToCare', 'childKnowsAdult', 'childWishes', 'informationMatches', 'bestInterestsAssessmentRecorded'] as const;

  it.each(items)('missing %s is named', (item) => {
    const checklist: Record<string, unknown> = { ...FULL_CHECKLIST };
    delete checklist[item];
    const error = expectRefused(submit(checklist), 'CHECKLIST_INCOMPLETE', new RegExp(`${item} is missing`));
    expect(error.fields).toEqual([`checklist.${item}`]);
  });

  it.each(items.filter((i) => i !== 'childWishes'))('%s = false is named', (item) => {
    const error = expectRefused(submit({ ...FULL_CHECKLIST, [item]: false }), 'CHECKLIST_INCOMPLETE', new RegExp(`${item} is false`));
    expect(error.fields).toEqual([`checklist.${item}`]);
  });

  it.each(items.filter((i) => i !== 'childWishes'))('%s = "yes" (not a boolean) is refused', (item) => {
    expectRefused(submit({ ...FULL_CHECKLIST, [item]: 'yes' }), 'CHECKLIST_INCOMPLETE', new RegExp(`${item} must be true or false`));
  });

  it('a child who refuses blocks verification', () => {
    expectRefused(submit({ ...FULL_CHECKLIST, childWishes: 'refuses' }), 'CHECKLIST_INCOMPLETE', /'refuses'.*wants.*assents/);
  });

  it('an unknown childWishes value is refused', () => {
    expectRefused(submit({ ...FULL_CHECKLIST, childWishes: 'maybe' }), 'CHECKLIST_INCOMPLETE', /childWishes must be one of/);
  });

  it.each(['wants', 'assents'])('childWishes %s passes', (childWishes) => {
    expectTransition(submit({ ...FULL_CHECKLIST, childWishes }));
  });

  it.each(['no', 'further_tracing', 'long_term_alternative_care'])('recommendation %s does not support verified', (recommendation) => {
    expectRefused(submit({ ...FULL_CHECKLIST, recommendation }), 'CHECKLIST_INCOMPLETE', new RegExp(`recommendation '${recommendation}'`));
  });

  it.each(['yes', 'reunification', 'reunification_enhanced_support', undefined])('recommendation %s passes', (recommendation) => {
    expectTransition(submit({ ...FULL_CHECKLIST, recommendation }));
  });

  it('names every problem at once', () => {
    const error = expectRefused(submit({ adultWantsToCare: true, adultAbleToCare: false, childWishes: 'refuses' }), 'CHECKLIST_INCOMPLETE');
    expect(error.fields?.sort()).toEqual([
      'checklist.adultAbleToCare', 'checklist.bestInterestsAssessmentRecorded', 'checklist.childKnowsAdult', 'checklist.childWishes', 'checklist.informationMatches',
    ]);
    expect(error.rule).toMatch(/fail_verification/);
  });

  it('no checklist at all is refused', () => {
    expectRefused(submit(undefined), 'CHECKLIST_INCOMPLETE', /missing/);
  });

  it('notes that are not text are refused', () => {
    expectRefused(submit({ ...FULL_CHECKLIST, notes: 42 }), 'CHECKLIST_INCOMPLETE', /notes/);
  });

  it('approval re-checks the recorded checklist', () => {
    const submitted = caseIn('verification_submitted');
    const tampered: CaseState = {
      ...submitted,
      verification: { ...submitted.verification, checklist: { ...FULL_CHECKLIST, informationMatches: false } },
    };
    expectRefused(run(tampered, CMD.approve, SUP_T), 'CHECKLIST_INCOMPLETE', /informationMatches is false/);
  });
});

// ---- reunification needs verification ---------------------------------------------------------

describe('REUNIFICATION_REQUIRES_VERIFICATION: no reunification before verification', () => {
  it.each(PRE_VERIFICATION_STATUSES)('record_reunification from %s', (from) => {
    expectRefused(run(caseIn(from), CMD.reunify), 'REUNIFICATION_REQUIRES_VERIFICATION', /no reunification before verification/);
  });

  it.each(PRE_VERIFICATION_STATUSES)('plan_reunification from %s', (from) => {
    expectRefused(run(caseIn(from), CMD.plan), 'REUNIFICATION_REQUIRES_VERIFICATION');
  });

  it('from verified the reunification must be planned first', () => {
    expectRefused(run(caseIn('verified'), CMD.reunify), 'INVALID_TRANSITION', /plan the reunification first/);
  });

  it('a reunification dated before the approval is refused', () => {
    expectRefused(run(caseIn('reunification_planned'), { ...CMD.reunify, date: '2025-05-03' }), 'REUNIFICATION_REQUIRES_VERIFICATION', /before the verification was approved/);
  });

  it('a reunification on the day of approval is accepted (calendar dates carry no zone)', () => {
    expectTransition(run(caseIn('reunification_planned'), { ...CMD.reunify, date: '2025-05-06' }));
  });

  it('a plan dated before the approval is refused', () => {
    expectRefused(run(caseIn('verified'), { ...CMD.plan, plannedDate: '2025-05-01T10:00:00Z' }), 'REUNIFICATION_REQUIRES_VERIFICATION');
  });

  it('a state that claims planned without an approved verification is refused', () => {
    const planned = caseIn('reunification_planned');
    const broken: CaseState = { ...planned, verification: { ...planned.verification, approvedAt: null } };
    expectRefused(run(broken, CMD.reunify), 'REUNIFICATION_REQUIRES_VERIFICATION');
  });

  it('a failed verification must be redone, submitted and approved again before planning', () => {
    let s = caseIn('verification_failed');
    expectRefused(run(s, CMD.plan), 'REUNIFICATION_REQUIRES_VERIFICATION');
    s = apply(s, CMD.start, COORD_A, T.later);
    expect(s.verification).toMatchObject({ round: 2, checklist: null, failure: null });
    expectRefused(run(s, CMD.plan), 'REUNIFICATION_REQUIRES_VERIFICATION');
  });
});

// ---- finished cases ---------------------------------------------------------------------------

describe('CASE_CLOSED and CASE_SUPERSEDED', () => {
  const others = CASE_COMMAND_TYPES.filter((t) => t !== 'reopen');
  const commandOf = (type: CaseCommandType): CaseCommand =>
    (type === 'resume' ? CMD.resume : canonicalCommandFor(COMMAND_TARGET[type as keyof typeof COMMAND_TARGET]) as CaseCommand);

  it.each(others)('a closed case refuses %s', (type) => {
    expectRefused(run(caseIn('closed'), commandOf(type), actorFor(type)), 'CASE_CLOSED', /closed/);
  });

  it.each(CASE_COMMAND_TYPES)('a superseded case refuses %s', (type) => {
    const command = type === 'reopen' ? CMD.reopen : commandOf(type);
    const error = expectRefused(run(caseIn('superseded'), command, actorFor(type)), 'CASE_SUPERSEDED');
    expect(error.rule).toContain('case-elsewhere');
  });
});

// ---- closing and reopening --------------------------------------------------------------------

describe('closing', () => {
  it('needs a reason code', () => {
    expectRefused(run(newCase(), { type: 'close' }), 'CLOSURE_REASON_REQUIRED', /needs a reason code/);
    expectRefused(run(newCase(), { type: 'close', reasonCode: '' }), 'CLOSURE_REASON_REQUIRED');
    expectRefused(run(newCase(), { type: 'close', reasonCode: 'bored' }), 'CLOSURE_REASON_REQUIRED', /unknown reason code "bored"/);
  });

  it("reason 'other' needs a note", () => {
    expectRefused(run(newCase(), { type: 'close', reasonCode: 'other' }), 'CLOSURE_REASON_REQUIRED', /needs a note/);
    expectRefused(run(newCase(), { type: 'close', reasonCode: 'other', note: '   ' }), 'CLOSURE_REASON_REQUIRED');
    const { event } = expectTransition(run(newCase(), { type: 'close', reasonCode: 'other', note: 'family moved abroad' }));
    expect(event).toMatchObject({ reasonCode: 'other', note: 'family moved abroad' });
  });

  it.each(['match_confirmed', 'verified', 'reunification_planned', 'alternative_care'] as const)('reunified_and_stable does not fit %s', (from) => {
    expectRefused(run(caseIn(from), { type: 'close', reasonCode: 'reunified_and_stable' }), 'CLOSURE_REASON_NOT_APPLICABLE');
  });

  it.each(['match_confirmed', 'reunified', 'follow_up'] as const)('not_seen_during_verification does not fit %s', (from) => {
    expectRefused(run(caseIn(from), { type: 'close', reasonCode: 'not_seen_during_verification' }), 'CLOSURE_REASON_NOT_APPLICABLE');
  });

  it('not_seen_during_verification fits a case being verified', () => {
    expectTransition(run(caseIn('verification_in_progress'), { type: 'close', reasonCode: 'not_seen_during_verification' }));
  });

  it('a suspended case is judged by the status it held before', () => {
    expectTransition(run(caseIn('suspended', 'follow_up'), { type: 'close', reasonCode: 'reunified_and_stable' }));
    expectRefused(run(caseIn('suspended', 'verified'), { type: 'close', reasonCode: 'reunified_and_stable' }), 'CLOSURE_REASON_NOT_APPLICABLE');
  });

  it('FOLLOW_UP_OUTSTANDING: not reunified_and_stable while the last visit asks for another', () => {
    const s = apply(caseIn('reunified'), { ...CMD.followUp, outcomeCode: 'needs_support', needsFurtherFollowUp: true }, COORD_A, T.followUp);
    expectRefused(run(s, { type: 'close', reasonCode: 'reunified_and_stable' }), 'FOLLOW_UP_OUTSTANDING', /2025-05-25/);
    expectTransition(run(s, { type: 'close', reasonCode: 'transferred' }));
    const visitedAgain = apply(s, { ...CMD.followUp, visitDate: '2025-06-05' }, COORD_A, T.later);
    expectTransition(run(visitedAgain, { type: 'close', reasonCode: 'reunified_and_stable' }));
  });
});

describe('reopening', () => {
  it('needs a reason', () => {
    const closed = caseIn('closed');
    expectRefused(run(closed, { type: 'reopen' }), 'REOPEN_REASON_REQUIRED');
    expectRefused(run(closed, { type: 'reopen', reasonCode: 'whim' }), 'REOPEN_REASON_REQUIRED');
    expectRefused(run(closed, { type: 'reopen', reasonCode: 'other' }), 'REOPEN_REASON_REQUIRED', /needs a note/);
    const { next, event } = expectTransition(run(closed, { type: 'reopen', reasonCode: 'other', note: 'court order' }));
    expect(event).toMatchObject({ from: 'closed', to: 'match_confirmed', reasonCode: 'other', note: 'court order' });
    expect(next).toMatchObject({ closure: null, statusBeforeClosure: null, lastReopening: { reasonCode: 'other', note: 'court order', by: COORD_B.id } });
  });

  it.each(Object.entries(REOPEN_TARGETS))('a case closed in %s reopens into %s', (before, target) => {
    const closed = caseIn('closed', before as CaseStatus);
    expect(closed.statusBeforeClosure).toBe(before);
    const { next } = expectTransition(run(closed, CMD.reopen));
    expect(next.status).toBe(target);
  });

  it('a verification does not survive closure: reopening a verified case starts a new round', () => {
    const closed = caseIn('closed', 'verified');
    const { next, event } = expectTransition(run(closed, CMD.reopen));
    expect(next.status).toBe('verification_in_progress');
    expect(next.verification).toMatchObject({ round: 2, checklist: null, approvedAt: null, submittedBy: null, startedBy: COORD_B.id });
    expect(event.details).toEqual({ kind: 'reopen', statusBeforeClosure: 'verified', verificationRestarted: true });
    expectRefused(run(next, CMD.plan), 'REUNIFICATION_REQUIRES_VERIFICATION');
  });

  it('a case closed while suspended reopens by the status before the suspension, no longer suspended', () => {
    const closed = caseIn('closed', 'suspended');
    expect(reopenTargetOf(closed)).toBe('match_confirmed');
    const { next } = expectTransition(run(closed, CMD.reopen));
    expect(next).toMatchObject({ status: 'match_confirmed', suspension: null, statusBeforeSuspension: null });
  });

  it('only a closed case can be reopened', () => {
    expectRefused(run(caseIn('follow_up'), CMD.reopen), 'INVALID_TRANSITION', /not closed/);
  });

  it('a state without the status before closure cannot be reopened', () => {
    expectRefused(run({ ...caseIn('closed'), statusBeforeClosure: null }, CMD.reopen), 'INVALID_TRANSITION');
  });
});

// ---- suspension -------------------------------------------------------------------------------

describe('suspend / resume', () => {
  it.each(ACTIVE_CASE_STATUSES)('resume returns a case suspended in %s to %s', (before) => {
    const suspended = caseIn('suspended', before);
    expect(suspended).toMatchObject({ status: 'suspended', statusBeforeSuspension: before, suspension: { reasonCode: 'security_situation' } });
    const { next, event } = expectTransition(run(suspended, CMD.resume));
    expect(next).toMatchObject({ status: before, suspension: null, statusBeforeSuspension: null });
    expect(event.details).toEqual({ kind: 'resume', suspendedSince: T.hold });
  });

  it('a suspended case accepts only resume, close and supersede', () => {
    const suspended = caseIn('suspended', 'verified');
    expectRefused(run(suspended, CMD.plan), 'INVALID_TRANSITION', /resume it/);
    expectRefused(run(suspended, CMD.suspend), 'INVALID_TRANSITION');
    expectTransition(run(suspended, CMD.close));
    expectTransition(run(suspended, CMD.supersede, SYSTEM));
  });

  it('resume needs a suspended case', () => {
    expectRefused(run(newCase(), CMD.resume), 'INVALID_TRANSITION', /not suspended/);
  });

  it('needs a reason code', () => {
    expectRefused(run(newCase(), { type: 'suspend' }), 'REASON_REQUIRED', /suspend needs a reason code/);
    expectRefused(run(newCase(), { type: 'suspend', reasonCode: 'other' }), 'REASON_REQUIRED', /note/);
  });
});

// ---- other reasons and details -----------------------------------------------------------------

describe('REASON_REQUIRED', () => {
  it('failing a verification needs a reason', () => {
    const error = expectRefused(run(caseIn('verification_in_progress'), { type: 'fail_verification' }), 'REASON_REQUIRED');
    expect(error.fields).toEqual(['reasonCode']);
    expectRefused(run(caseIn('verification_in_progress'), { type: 'fail_verification', reasonCode: 'nope' }), 'REASON_REQUIRED');
  });

  it('moving to alternative care needs a reason', () => {
    expectRefused(run(newCase(), { type: 'move_to_alternative_care' }), 'REASON_REQUIRED');
    const { next } = expectTransition(run(caseIn('follow_up'), { type: 'move_to_alternative_care', reasonCode: 'reunification_breakdown' }));
    expect(next.alternativeCare).toMatchObject({ reasonCode: 'reunification_breakdown' });
  });

  it('a child not reunited with the verified adult needs a reason code', () => {
    const planned = caseIn('reunification_planned');
    const base = { ...CMD.reunify, reunitedWithVerifiedAdult: false };
    const error = expectRefused(run(planned, base), 'REASON_REQUIRED');
    expect(error.fields).toEqual(['notReunitedReasonCode']);
    expectRefused(run(planned, { ...base, notReunitedReasonCode: 'other' }), 'REASON_REQUIRED', /note/);
    expectTransition(run(planned, { ...base, notReunitedReasonCode: 'other', note: 'went to grandmother' }));
  });

  it.each(['change_of_mind', 'death', 'death_of_adult', 'failed_verification'])('not reunited with the verified adult: %s is recorded', (code) => {
    const { next } = expectTransition(run(caseIn('reunification_planned'), { ...CMD.reunify, reunitedWithVerifiedAdult: false, notReunitedReasonCode: code }));
    expect(next.reunification?.notReunitedReasonCode).toBe(code);
  });
});

describe('DETAILS_INVALID', () => {
  const planned = caseIn('reunification_planned');
  const reunified = caseIn('reunified');

  it.each([
    ['not a date', 'soon'],
    ['an impossible day', '2025-02-30'],
    ['a number', 20250520],
    ['an instant without a zone', '2025-05-20T10:00:00'],
  ])('a reunification date that is %s', (_what, date) => {
    expectRefused(run(planned, { ...CMD.reunify, date }), 'DETAILS_INVALID', /date/);
  });

  it('a reunification date in the future', () => {
    expectRefused(run(planned, { ...CMD.reunify, date: '2025-06-12' }), 'DETAILS_INVALID', /future/);
    expectRefused(run(planned, { ...CMD.reunify, date: '2025-06-10T11:00:00Z' }), 'DETAILS_INVALID', /future/);
  });

  it("today's date east of UTC is not the future", () => {
    // at 10:00 UTC on 10 June it is already 11 June in UTC+14
    expectTransition(run(planned, { ...CMD.reunify, date: '2025-06-11' }));
    expectTransition(run(planned, { ...CMD.reunify, date: '2025-06-10T10:03:00Z' })); // within clock skew
  });

  it('place is required and bounded', () => {
    expectRefused(run(planned, { ...CMD.reunify, place: '  ' }), 'DETAILS_INVALID', /place is required/);
    expectRefused(run(planned, { ...CMD.reunify, place: 'x'.repeat(301) }), 'DETAILS_INVALID', /longer than/);
    expectRefused(run(caseIn('verified'), { type: 'plan_reunification', plannedDate: '2025-06-20' }), 'DETAILS_INVALID', /place/);
    expectRefused(run(caseIn('verified'), { type: 'plan_reunification', place: 'Goma' }), 'DETAILS_INVALID', /plannedDate/);
  });

  it('reunitedWithVerifiedAdult must be a boolean, and a not-reunited reason only goes with false', () => {
    expectRefused(run(planned, { ...CMD.reunify, reunitedWithVerifiedAdult: 'yes' }), 'DETAILS_INVALID', /reunitedWithVerifiedAdult/);
    expectRefused(run(planned, { ...CMD.reunify, notReunitedReasonCode: 'death' }), 'DETAILS_INVALID', /only applies/);
  });

  it('follow-up visits: not in the future, not before the reunification', () => {
    expectRefused(run(reunified, { ...CMD.followUp, visitDate: '2025-07-01' }), 'DETAILS_INVALID', /future/);
    expectRefused(run(reunified, { ...CMD.followUp, visitDate: '2025-05-10' }), 'DETAILS_INVALID', /before the reunification/);
  });

  it('follow-up visits: seen / outcome must agree, and codes must be known', () => {
    expectRefused(run(reunified, { ...CMD.followUp, childSeen: false }), 'DETAILS_INVALID', /child_not_seen/);
    expectRefused(run(reunified, { ...CMD.followUp, outcomeCode: 'child_not_seen' }), 'DETAILS_INVALID', /contradicts/);
    expectRefused(run(reunified, { ...CMD.followUp, outcomeCode: 'great' }), 'DETAILS_INVALID', /outcomeCode/);
    expectRefused(run(reunified, { ...CMD.followUp, outcomeCode: 'other' }), 'DETAILS_INVALID', /note/);
    expectRefused(run(reunified, { ...CMD.followUp, childSeen: undefined }), 'DETAILS_INVALID', /childSeen/);
    expectRefused(run(reunified, { ...CMD.followUp, needsFurtherFollowUp: 'no' }), 'DETAILS_INVALID', /needsFurtherFollowUp/);
    const notSeen = expectTransition(run(reunified, { ...CMD.followUp, childSeen: false, outcomeCode: 'child_not_seen', needsFurtherFollowUp: true }));
    expect(notSeen.next.followUps[0]).toMatchObject({ childSeen: false, outcomeCode: 'child_not_seen' });
  });

  it('follow-up visits: the next visit is only for a further follow-up, and not before this one', () => {
    expectRefused(run(reunified, { ...CMD.followUp, nextVisitDueBy: '2025-07-01' }), 'DETAILS_INVALID', /only applies/);
    expectRefused(run(reunified, { ...CMD.followUp, needsFurtherFollowUp: true, nextVisitDueBy: '2025-05-01' }), 'DETAILS_INVALID', /before the visit/);
    expectRefused(run(reunified, { ...CMD.followUp, needsFurtherFollowUp: true, nextVisitDueBy: 'next month' }), 'DETAILS_INVALID', /nextVisitDueBy/);
  });

  it('a note must be text of bounded length', () => {
    expectRefused(run(newCase(), { ...CMD.start, note: 5 }), 'DETAILS_INVALID', /note/);
    expectRefused(run(newCase(), { ...CMD.start, note: 'x'.repeat(2001) }), 'DETAILS_INVALID', /note/);
  });

  it('supersede needs another case id', () => {
    expectRefused(run(newCase(), { type: 'supersede' }, SYSTEM), 'DETAILS_INVALID', /supersededByCaseId/);
    expectRefused(run(newCase(), { type: 'supersede', supersededByCaseId: 'case-1' }, SYSTEM), 'DETAILS_INVALID', /itself/);
  });

  it('a fail_verification checklist with wrong types is refused', () => {
    expectRefused(run(caseIn('verification_in_progress'), { ...CMD.fail, checklist: { adultAbleToCare: 'no' } }), 'DETAILS_INVALID', /adultAbleToCare/);
  });

  it('command and correlation ids must be non-empty strings', () => {
    expectRefused(run(newCase(), { ...CMD.start, commandId: '' }), 'DETAILS_INVALID', /commandId/);
    expectRefused(run(newCase(), { ...CMD.start, correlationId: 7 }), 'DETAILS_INVALID', /correlationId/);
  });
});

describe('UNKNOWN_COMMAND', () => {
  it.each([{ type: 'teleport' }, {}, null, 'start_verification', { type: 'toString' }])('refuses %p', (command) => {
    expectRefused(run(newCase(), command), 'UNKNOWN_COMMAND');
  });
});

// ---- idempotency ------------------------------------------------------------------------------

describe('idempotency by command id', () => {
  it('a replayed command answers duplicate, with the state unchanged and no event', () => {
    const s1 = apply(newCase(), { ...CMD.start, commandId: 'k1' }, COORD_A, T.start);
    const replay = decideTransition(s1, { ...CMD.start, commandId: 'k1', correlationId: 'another-delivery' }, COORD_A, T.later);
    expect(replay).toEqual({ ok: true, duplicate: true, next: s1 });
    expect(replay).not.toHaveProperty('event');
  });

  it('a replay is recognised even after later transitions, and even once the case is closed', () => {
    let s = apply(caseIn('reunified'), { ...CMD.followUp, commandId: 'visit-1' }, COORD_A, T.followUp);
    s = apply(s, { ...CMD.close, commandId: 'close-1' }, COORD_A, T.later);
    const r = decideTransition(s, { ...CMD.followUp, commandId: 'visit-1' }, COORD_A, T.later);
    expect(r).toMatchObject({ ok: true, duplicate: true });
    expect(decideTransition(s, { ...CMD.close, commandId: 'close-1' }, COORD_A, T.later)).toMatchObject({ ok: true, duplicate: true });
  });

  it('the same id with different content is refused', () => {
    const s = apply(caseIn('reunified'), { ...CMD.followUp, commandId: 'visit-1' }, COORD_A, T.followUp);
    expectRefused(decideTransition(s, { ...CMD.followUp, visitDate: '2025-05-26', commandId: 'visit-1' }, COORD_A, T.later), 'COMMAND_ID_REUSED');
  });

  it('the same id from another actor is refused', () => {
    const s = apply(newCase(), { ...CMD.start, commandId: 'k1' }, COORD_A, T.start);
    expectRefused(decideTransition(s, { ...CMD.start, commandId: 'k1' }, COORD_B, T.later), 'COMMAND_ID_REUSED');
  });

  it('commands without an id are not deduplicated', () => {
    let s = caseIn('follow_up');
    s = apply(s, CMD.followUp, COORD_A, T.later);
    expect(s.followUps).toHaveLength(2);
    expect(s.appliedCommands).toEqual([]);
  });

  it(`remembers the last ${MAX_REMEMBERED_COMMANDS} command ids`, () => {
    let s = apply(caseIn('reunified'), { ...CMD.followUp, commandId: 'visit-0' }, COORD_A, T.followUp);
    for (let i = 1; i <= MAX_REMEMBERED_COMMANDS; i++) s = apply(s, { ...CMD.followUp, commandId: `visit-${i}` }, COORD_A, T.later);
    expect(s.appliedCommands).toHaveLength(MAX_REMEMBERED_COMMANDS);
    expect(s.appliedCommands[0].commandId).toBe('visit-1');
    expect(decideTransition(s, { ...CMD.followUp, commandId: 'visit-1' }, COORD_A, T.later)).toMatchObject({ ok: true, duplicate: true });
    // visit-0 fell out of the window: it is judged as a new command again
    expect(decideTransition(s, { ...CMD.followUp, commandId: 'visit-0' }, COORD_A, T.later)).toMatchObject({ ok: true, duplicate: false });
  });

  it('a refused command is not remembered, so it can be retried with the same id once fixed', () => {
    const s = caseIn('verification_in_progress');
    expectRefused(decideTransition(s, { type: 'submit_verification', checklist: { ...FULL_CHECKLIST, adultAbleToCare: false }, commandId: 'sub-1' }, COORD_A, T.later), 'CHECKLIST_INCOMPLETE');
    expectTransition(decideTransition(s, { ...CMD.submit, commandId: 'sub-1' }, COORD_A, T.later));
  });
});

// ---- misc -------------------------------------------------------------------------------------

describe('rule catalogue', () => {
  it('every rule code has an HTTP status of 403, 409 or 422', () => {
    for (const [code, rule] of Object.entries(CASE_RULES)) {
      expect([403, 409, 422]).toContain(rule.httpStatus);
      expect(rule.summary.length).toBeGreaterThan(20);
      expect(code).toMatch(/^[A-Z_]+$/);
    }
  });

  it('roles: approval needs a supervisor, supersede the system, everything else casework roles', () => {
    expect(CASE_COMMAND_ROLES.approve_verification).toEqual(['supervisor']);
    expect(CASE_COMMAND_ROLES.supersede).toEqual(['system']);
    for (const t of CASE_COMMAND_TYPES) {
      expect(CASE_COMMAND_ROLES[t]).not.toContain('auditor');
      expect(CASE_COMMAND_ROLES[t]).not.toContain('agency-admin');
      expect(CASE_COMMAND_ROLES[t]).not.toContain('system-admin');
    }
  });
});

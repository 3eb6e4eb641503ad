/**
 * Test fixtures: actors, a passing checklist, and a builder that brings a case into any status through
 * the real commands (so every fixture state is one the workflow can actually reach). Not exported from
 * the domain index; usable by the service's own tests.
 */
import { Actor, CASES_SYSTEM_ACTOR } from '../actor';
import { CaseStatus } from '../case-status';
import { CaseCommand, CaseState, decideTransition, openCase } from '../case-workflow';
import { VerificationChecklist } from '../verification-checklist';

export const COORD_A: Actor = { id: 'user-coord-a', role: 'coordinator', agencyId: 'agency-a' };
export const COORD_B: Actor = { id: 'user-coord-b', role: 'coordinator', agencyId: 'agency-b' };
export const SUP_S: Actor = { id: 'user-sup-s', role: 'supervisor', agencyId: 'agency-a' };
export const SUP_T: Actor = { id: 'user-sup-t', role: 'supervisor', agencyId: 'agency-b' };
export const AUDITOR: Actor = { id: 'user-auditor', role: 'auditor', agencyId: 'agency-a' };
export const AGENCY_ADMIN: Actor = { id: 'user-agency-admin', role: 'agency-admin', agencyId: 'agency-a' };
export const SYSTEM_ADMIN: Actor = { id: 'user-system-admin', role: 'system-admin', agencyId: 'kinlink' };
export const AGENCY: Actor = { id: 'agency:agency-a', role: 'agency', agencyId: 'agency-a' };
export const SYSTEM: Actor = CASES_SYSTEM_ACTOR;

/** Points in time used by the builder, in order. Tests issue their own commands at T.later. */
export const T = {
  open: '2025-05-01T09:00:00Z',
  start: '2025-05-02T09:00:00Z',
  submit: '2025-05-05T09:00:00Z',
  approve: '2025-05-06T09:00:00Z',
  plan: '2025-05-07T09:00:00Z',
  reunify: '2025-05-20T15:00:00Z',
  followUp: '2025-05-25T12:00:00Z',
  hold: '2025-06-01T08:00:00Z',
  later: '2025-06-10T10:00:00Z',
} as const;

export const FULL_CHECKLIST: VerificationChecklist = {
  adultWantsToCare: true,
  adultAbleToCare: true,
  childKnowsAdult: true,
  childWishes: 'wants',
  informationMatches: true,
  bestInterestsAssessmentRecorded: true,
  recommendation: 'reunification',
  notes: 'Mother picked the child from a photo set; separation stories agree.',
};

export const CASE_IDS = {
  caseId: 'case-1',
  proposalId: 'proposal-1',
  childId: 'child-1',
  tracingRequestId: 'request-1',
  childAgencyId: 'agency-a',
  requestAgencyId: 'agency-b',
} as const;

export function newCase(overrides: Partial<Parameters<typeof openCase>[0]> = {}): CaseState {
  return openCase({ ...CASE_IDS, ...overrides }, COORD_A, T.open).state;
}

/** Applies a command that must succeed (and not be a duplicate); throws with the refusal otherwise. */
export function apply(state: CaseState, command: CaseCommand, actor: Actor, now: string): CaseState {
  const r = decideTransition(state, command, actor, now);
  if (!r.ok) throw new Error(`${command.type} refused in ${state.status}: ${r.error.code} ${r.error.rule}`);
  if (r.duplicate) throw new Error(`${command.type} was a duplicate`);
  return r.next;
}

export const CMD = {
  start: { type: 'start_verification' },
  submit: { type: 'submit_verification', checklist: FULL_CHECKLIST },
  approve: { type: 'approve_verification' },
  fail: { type: 'fail_verification', reasonCode: 'information_mismatch' },
  plan: { type: 'plan_reunification', plannedDate: '2025-05-20', place: 'Agency A office, Goma' },
  reunify: { type: 'record_reunification', date: '2025-05-20', place: 'Agency A office, Goma', reunitedWithVerifiedAdult: true },
  followUp: {
    type: 'record_follow_up',
    visitDate: '2025-05-25',
    childSeen: true,
    outcomeCode: 'settled',
    needsFurtherFollowUp: false,
  },
  close: { type: 'close', reasonCode: 'formal_closing' },
  reopen: { type: 'reopen', reasonCode: 'new_information' },
  alternativeCare: { type: 'move_to_alternative_care', reasonCode: 'not_in_best_interests' },
  suspend: { type: 'suspend', reasonCode: 'security_situation' },
  resume: { type: 'resume' },
  supersede: { type: 'supersede', supersededByCaseId: 'case-elsewhere' },
} as const satisfies Record<string, CaseCommand>;

/**
 * A case in `status`, reached through real commands. For `suspended` and `closed`, `before` is the
 * status held before the suspension / closure (default match_confirmed).
 */
export function caseIn(status: CaseStatus, before: CaseStatus = CaseStatus.MatchConfirmed, base: CaseState = newCase()): CaseState {
  const c = base;
  switch (status) {
    case 'match_confirmed':
      return c;
    case 'verification_in_progress':
      return apply(c, CMD.start, COORD_A, T.start);
    case 'verification_submitted':
      return apply(caseIn('verification_in_progress', before, c), CMD.submit, COORD_A, T.submit);
    case 'verified':
      return apply(caseIn('verification_submitted', before, c), CMD.approve, SUP_S, T.approve);
    case 'verification_failed':
      return apply(caseIn('verification_in_progress', before, c), CMD.fail, COORD_A, T.submit);
    case 'reunification_planned':
      return apply(caseIn('verified', before, c), CMD.plan, COORD_A, T.plan);
    case 'reunified':
      return apply(caseIn('reunification_planned', before, c), CMD.reunify, COORD_A, T.reunify);
    case 'follow_up':
      return apply(caseIn('reunified', before, c), CMD.followUp, COORD_A, T.followUp);
    case 'alternative_care':
      return apply(c, CMD.alternativeCare, COORD_A, T.start);
    case 'suspended':
      return apply(caseIn(before, CaseStatus.MatchConfirmed, c), CMD.suspend, COORD_A, T.hold);
    case 'closed': {
      const reason = before === 'reunified' || before === 'follow_up' ? 'reunified_and_stable' : 'formal_closing';
      const pre = before === 'suspended' ? caseIn('suspended', CaseStatus.MatchConfirmed, c) : caseIn(before, CaseStatus.MatchConfirmed, c);
      return apply(pre, { type: 'close', reasonCode: reason }, COORD_A, T.hold);
    }
    case 'superseded':
      return apply(c, CMD.supersede, SYSTEM, T.hold);
  }
}

/** Deep-freezes a value, so a test fails if the code under test mutates its input. */
export function deepFreeze<V>(value: V): V {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

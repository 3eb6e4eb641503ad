/**
 * The reunification workflow of a case, as a pure decision function:
 *
 *   decideTransition(state, command, actor, now) → { ok, next, event } | { ok: false, error }
 *
 * Plain data in, plain data out: no clock (`now` is passed in), no I/O, no randomness, no exceptions
 * for bad commands (only for a malformed `now`, which is a programming error). Commands may come
 * unvalidated from a topic: every field is checked at run time and refused with a named rule.
 * Scope (which agencies may see or act on a case) is the service's job, before calling this.
 */
import { Actor, ActorRole, CASEWORK_ROLES } from './actor';
import {
  ALTERNATIVE_CARE_REASONS,
  AlternativeCareReason,
  CLOSURE_REASONS,
  ClosureReason,
  FOLLOW_UP_OUTCOMES,
  FollowUpOutcome,
  MAX_NOTE_LENGTH,
  MAX_PLACE_LENGTH,
  NOT_REUNITED_REASONS,
  NotReunitedReason,
  REOPEN_REASONS,
  ReopenReason,
  SUSPENSION_REASONS,
  SuspensionReason,
  VERIFICATION_FAILURE_REASONS,
  VerificationFailureReason,
} from './case-reasons';
import {
  CaseStatus,
  FINISHED_CASE_STATUSES,
  OPEN_CASE_STATUSES,
  PRE_VERIFICATION_STATUSES,
  REOPEN_TARGETS,
  isTransitionAllowed,
} from './case-status';
import { instantSpan, isCertainlyBefore, isInFuture, parseDateInput, parseNow } from './dates';
import { AppliedCommand, checkReplay, commandFingerprint, rememberCommand } from './idempotency';
import { Refused, RuleHttpStatus, refuse } from './rule-violation';
import {
  VerificationChecklist,
  checklistProblems,
  partialChecklistProblems,
  pickChecklist,
} from './verification-checklist';

// ---- rules ------------------------------------------------------------------------------------

/** Every rule the workflow enforces: its code, HTTP status and a one-line summary (for docs/OpenAPI). */
export const CASE_RULES = {
  ROLE_NOT_ALLOWED: {
    httpStatus: 403,
    summary: 'Only coordinators and supervisors move cases (auditors and administrators cannot act); supersede is done by the system only.',
  },
  SUPERVISOR_REQUIRED: { httpStatus: 403, summary: 'Approving a verification, or revoking an approved one, needs a supervisor.' },
  FOUR_EYES: { httpStatus: 403, summary: 'The supervisor who approves a verification must not be the person who submitted it.' },
  CASE_CLOSED: { httpStatus: 409, summary: 'A closed case accepts only reopen.' },
  CASE_SUPERSEDED: { httpStatus: 409, summary: 'A superseded case (the child was reunified through another case) accepts no command.' },
  INVALID_TRANSITION: { httpStatus: 409, summary: 'The command is not allowed from the case’s current status (see CASE_TRANSITIONS).' },
  REUNIFICATION_REQUIRES_VERIFICATION: {
    httpStatus: 409,
    summary: 'No reunification before verification: planning or recording one needs an approved verification, and cannot be dated before it.',
  },
  FOLLOW_UP_OUTSTANDING: {
    httpStatus: 409,
    summary: 'A case cannot be closed as reunified_and_stable while the last follow-up visit asks for another one.',
  },
  CHECKLIST_INCOMPLETE: {
    httpStatus: 422,
    summary: 'verified needs every checklist item recorded and true, the child wanting to go or assenting, and a recommendation (if given) that supports reunification.',
  },
  CLOSURE_REASON_REQUIRED: { httpStatus: 422, summary: 'Closing needs a closure reason code (and a note when the reason is other).' },
  CLOSURE_REASON_NOT_APPLICABLE: {
    httpStatus: 422,
    summary: 'The closure reason does not fit the case’s status (e.g. reunified_and_stable before reunification).',
  },
  REOPEN_REASON_REQUIRED: { httpStatus: 422, summary: 'Reopening needs a reason code (and a note when the reason is other).' },
  REASON_REQUIRED: {
    httpStatus: 422,
    summary: 'Failing a verification, suspending, moving to alternative care, and a child not reunited with the verified adult need a reason code (and a note for other).',
  },
  DETAILS_INVALID: { httpStatus: 422, summary: 'A date, place, code or note of the command is missing, malformed or impossible.' },
  COMMAND_ID_REUSED: { httpStatus: 422, summary: 'A command id was reused for a different command (or by another actor).' },
  UNKNOWN_COMMAND: { httpStatus: 422, summary: 'The command type is not one of the workflow commands.' },
} as const satisfies Record<string, { httpStatus: RuleHttpStatus; summary: string }>;

export type CaseRuleCode = keyof typeof CASE_RULES;
export const CASE_RULE_CODES = Object.keys(CASE_RULES) as CaseRuleCode[];

/** Closure reasons that only fit some statuses (the status before a suspension counts for a suspended case). */
export const CLOSURE_REASON_APPLIES_TO: Readonly<Partial<Record<ClosureReason, readonly CaseStatus[]>>> = {
  reunified_and_stable: [CaseStatus.Reunified, CaseStatus.FollowUp],
  not_seen_during_verification: [
    CaseStatus.VerificationInProgress,
    CaseStatus.VerificationSubmitted,
    CaseStatus.VerificationFailed,
  ],
};

// ---- commands ---------------------------------------------------------------------------------

interface CommandBase {
  /** idempotency key: a command id already applied to the case answers `duplicate: true` */
  commandId?: string;
  /** carried into the event, to follow one request through every service */
  correlationId?: string;
  /** free text; required when the reason code is `other` */
  note?: string;
}

export interface StartVerification extends CommandBase {
  type: 'start_verification';
}
export interface SubmitVerification extends CommandBase {
  type: 'submit_verification';
  checklist: VerificationChecklist;
}
export interface ApproveVerification extends CommandBase {
  type: 'approve_verification';
}
export interface FailVerification extends CommandBase {
  type: 'fail_verification';
  reasonCode: VerificationFailureReason;
  /** findings, recorded as given (items may be false or missing) */
  checklist?: Partial<VerificationChecklist>;
}
export interface PlanReunification extends CommandBase {
  type: 'plan_reunification';
  /** 'YYYY-MM-DD' or an ISO-8601 instant */
  plannedDate: string;
  place: string;
}
export interface RecordReunification extends CommandBase {
  type: 'record_reunification';
  /** 'YYYY-MM-DD' or an ISO-8601 instant; not in the future, not before the verification was approved */
  date: string;
  place: string;
  reunitedWithVerifiedAdult: boolean;
  /** required when reunitedWithVerifiedAdult is false, forbidden otherwise */
  notReunitedReasonCode?: NotReunitedReason;
}
export interface RecordFollowUp extends CommandBase {
  type: 'record_follow_up';
  /** not in the future, not before the reunification */
  visitDate: string;
  childSeen: boolean;
  /** `child_not_seen` iff childSeen is false; `other` needs a note */
  outcomeCode: FollowUpOutcome;
  needsFurtherFollowUp: boolean;
  /** only with needsFurtherFollowUp; not before the visit */
  nextVisitDueBy?: string;
}
export interface CloseCase extends CommandBase {
  type: 'close';
  reasonCode: ClosureReason;
}
export interface ReopenCase extends CommandBase {
  type: 'reopen';
  reasonCode: ReopenReason;
}
export interface MoveToAlternativeCare extends CommandBase {
  type: 'move_to_alternative_care';
  reasonCode: AlternativeCareReason;
}
export interface SuspendCase extends CommandBase {
  type: 'suspend';
  reasonCode: SuspensionReason;
}
export interface ResumeCase extends CommandBase {
  type: 'resume';
}
/** Issued by the system when the child was reunified through another case. */
export interface SupersedeCase extends CommandBase {
  type: 'supersede';
  supersededByCaseId: string;
}

export type CaseCommand =
  | StartVerification
  | SubmitVerification
  | ApproveVerification
  | FailVerification
  | PlanReunification
  | RecordReunification
  | RecordFollowUp
  | CloseCase
  | ReopenCase
  | MoveToAlternativeCare
  | SuspendCase
  | ResumeCase
  | SupersedeCase;

export type CaseCommandType = CaseCommand['type'];

/** The status each command leads to; `resume` and `reopen` go back (see CASE_TRANSITIONS). */
export const COMMAND_TARGET: Readonly<Record<Exclude<CaseCommandType, 'resume' | 'reopen'>, CaseStatus>> = {
  start_verification: CaseStatus.VerificationInProgress,
  submit_verification: CaseStatus.VerificationSubmitted,
  approve_verification: CaseStatus.Verified,
  fail_verification: CaseStatus.VerificationFailed,
  plan_reunification: CaseStatus.ReunificationPlanned,
  record_reunification: CaseStatus.Reunified,
  record_follow_up: CaseStatus.FollowUp,
  close: CaseStatus.Closed,
  move_to_alternative_care: CaseStatus.AlternativeCare,
  suspend: CaseStatus.Suspended,
  supersede: CaseStatus.Superseded,
};

const S = CaseStatus;
const ACTIVE: CaseStatus[] = OPEN_CASE_STATUSES.filter((s) => s !== S.Suspended);

/** The statuses each command is accepted in. Together with COMMAND_TARGET this yields CASE_TRANSITIONS. */
export const COMMAND_ACCEPTED_IN: Readonly<Record<CaseCommandType, readonly CaseStatus[]>> = {
  start_verification: [S.MatchConfirmed, S.VerificationFailed, S.AlternativeCare],
  submit_verification: [S.VerificationInProgress],
  approve_verification: [S.VerificationSubmitted],
  fail_verification: [S.VerificationInProgress, S.VerificationSubmitted, S.Verified, S.ReunificationPlanned],
  plan_reunification: [S.Verified, S.ReunificationPlanned],
  record_reunification: [S.ReunificationPlanned],
  record_follow_up: [S.Reunified, S.FollowUp],
  close: [...OPEN_CASE_STATUSES],
  reopen: [S.Closed],
  move_to_alternative_care: ACTIVE.filter((s) => s !== S.AlternativeCare),
  suspend: ACTIVE,
  resume: [S.Suspended],
  supersede: [...OPEN_CASE_STATUSES],
};

/** Who may issue each command. */
export const CASE_COMMAND_ROLES: Readonly<Record<CaseCommandType, readonly ActorRole[]>> = {
  start_verification: CASEWORK_ROLES,
  submit_verification: CASEWORK_ROLES,
  approve_verification: ['supervisor'],
  fail_verification: CASEWORK_ROLES, // revoking an approved verification additionally needs a supervisor
  plan_reunification: CASEWORK_ROLES,
  record_reunification: CASEWORK_ROLES,
  record_follow_up: CASEWORK_ROLES,
  close: CASEWORK_ROLES,
  reopen: CASEWORK_ROLES,
  move_to_alternative_care: CASEWORK_ROLES,
  suspend: CASEWORK_ROLES,
  resume: CASEWORK_ROLES,
  supersede: ['system'],
};

export const CASE_COMMAND_TYPES = Object.keys(CASE_COMMAND_ROLES) as CaseCommandType[];

export function isCaseCommandType(value: unknown): value is CaseCommandType {
  return typeof value === 'string' && (CASE_COMMAND_TYPES as string[]).includes(value);
}

// ---- state ------------------------------------------------------------------------------------

export interface VerificationRecord {
  /** 0 before the first verification; +1 each time one starts */
  round: number;
  startedAt: string | null;
  startedBy: string | null;
  checklist: VerificationChecklist | null;
  submittedAt: string | null;
  submittedBy: string | null;
  approvedAt: string | null;
  approvedBy: string | null;
  failure: {
    reasonCode: VerificationFailureReason;
    note: string | null;
    findings: Partial<VerificationChecklist> | null;
    /** true when an approved verification was revoked */
    revokedApproval: boolean;
    at: string;
    by: string;
  } | null;
}

export interface ReunificationPlan {
  plannedDate: string;
  place: string;
  plannedAt: string;
  plannedBy: string;
}

export interface ReunificationRecord {
  date: string;
  place: string;
  reunitedWithVerifiedAdult: boolean;
  notReunitedReasonCode: NotReunitedReason | null;
  note: string | null;
  recordedAt: string;
  recordedBy: string;
}

export interface FollowUpVisit {
  visitDate: string;
  childSeen: boolean;
  outcomeCode: FollowUpOutcome;
  needsFurtherFollowUp: boolean;
  nextVisitDueBy: string | null;
  note: string | null;
  recordedAt: string;
  recordedBy: string;
}

export interface ReasonRecord<R extends string> {
  reasonCode: R;
  note: string | null;
  at: string;
  by: string;
}

/** Everything the workflow needs to know about a case. JSON-serialisable (e.g. one jsonb column, or columns). */
export interface CaseState {
  caseId: string;
  proposalId: string | null;
  childId: string;
  tracingRequestId: string;
  /** the sought child's ref within its tracing request, when the request seeks several children */
  soughtChildRef: string | null;
  childAgencyId: string;
  requestAgencyId: string;
  status: CaseStatus;
  /** 1 when opened, +1 per transition; also the event sequence number */
  version: number;
  openedAt: string;
  updatedAt: string;
  statusBeforeSuspension: CaseStatus | null;
  statusBeforeClosure: CaseStatus | null;
  verification: VerificationRecord;
  reunificationPlan: ReunificationPlan | null;
  reunification: ReunificationRecord | null;
  followUps: FollowUpVisit[];
  closure: ReasonRecord<ClosureReason> | null;
  lastReopening: ReasonRecord<ReopenReason> | null;
  alternativeCare: ReasonRecord<AlternativeCareReason> | null;
  suspension: ReasonRecord<SuspensionReason> | null;
  supersededByCaseId: string | null;
  /** the last MAX_REMEMBERED_COMMANDS command ids applied, for idempotency */
  appliedCommands: AppliedCommand[];
}

// ---- events -----------------------------------------------------------------------------------

export type CaseEventDetails =
  | { kind: 'start_verification'; round: number }
  | { kind: 'submit_verification'; round: number; checklist: VerificationChecklist }
  | { kind: 'approve_verification'; round: number; submittedBy: string; checklist: VerificationChecklist }
  | { kind: 'fail_verification'; round: number; findings: Partial<VerificationChecklist> | null; revokedApproval: boolean }
  | { kind: 'plan_reunification'; plannedDate: string; place: string; rescheduled: boolean }
  | {
      kind: 'record_reunification';
      date: string;
      place: string;
      reunitedWithVerifiedAdult: boolean;
      notReunitedReasonCode: NotReunitedReason | null;
    }
  | { kind: 'record_follow_up'; visit: FollowUpVisit }
  | { kind: 'close'; statusBeforeClosure: CaseStatus }
  | { kind: 'reopen'; statusBeforeClosure: CaseStatus | null; verificationRestarted: boolean }
  | { kind: 'move_to_alternative_care' }
  | { kind: 'suspend' }
  | { kind: 'resume'; suspendedSince: string | null }
  | { kind: 'supersede'; supersededByCaseId: string };

/**
 * One transition: who, when, from, to, why, and what was recorded. It names records by id only; the
 * only free text is what the command carried (note, place, checklist notes).
 */
export interface CaseTransitioned {
  type: 'case.transitioned';
  /** `<caseId>:<caseVersion>`: deterministic, so a replayed write produces the same id */
  eventId: string;
  caseId: string;
  proposalId: string | null;
  childId: string;
  tracingRequestId: string;
  soughtChildRef: string | null;
  command: CaseCommandType;
  from: CaseStatus;
  to: CaseStatus;
  caseVersion: number;
  actor: Actor;
  occurredAt: string;
  commandId: string | null;
  correlationId: string | null;
  reasonCode: string | null;
  note: string | null;
  details: CaseEventDetails;
  /** the agencies owning the child and the tracing request: the event goes to their outbound topics */
  notifyAgencyIds: string[];
}

export interface CaseOpened {
  type: 'case.opened';
  eventId: string;
  caseId: string;
  proposalId: string | null;
  childId: string;
  tracingRequestId: string;
  soughtChildRef: string | null;
  childAgencyId: string;
  requestAgencyId: string;
  status: CaseStatus;
  caseVersion: number;
  actor: Actor;
  occurredAt: string;
  commandId: string | null;
  correlationId: string | null;
  notifyAgencyIds: string[];
}

export type CaseDecision =
  | { ok: true; duplicate: false; next: CaseState; event: CaseTransitioned }
  | { ok: true; duplicate: true; next: CaseState }
  | Refused<CaseRuleCode>;

// ---- opening ----------------------------------------------------------------------------------

export interface OpenCaseInput {
  caseId: string;
  proposalId: string | null;
  childId: string;
  tracingRequestId: string;
  soughtChildRef?: string | null;
  childAgencyId: string;
  requestAgencyId: string;
  commandId?: string | null;
  correlationId?: string | null;
}

function emptyVerification(): VerificationRecord {
  return {
    round: 0,
    startedAt: null,
    startedBy: null,
    checklist: null,
    submittedAt: null,
    submittedBy: null,
    approvedAt: null,
    approvedBy: null,
    failure: null,
  };
}

function agenciesOf(s: { childAgencyId: string; requestAgencyId: string }): string[] {
  return [...new Set([s.childAgencyId, s.requestAgencyId])].sort();
}

function copyActor(actor: Actor): Actor {
  return { id: actor.id, role: actor.role, agencyId: actor.agencyId };
}

/** A new case in `match_confirmed` (called when a proposal is confirmed). Throws on missing ids. */
export function openCase(input: OpenCaseInput, actor: Actor, now: string): { state: CaseState; event: CaseOpened } {
  parseNow(now);
  for (const key of ['caseId', 'childId', 'tracingRequestId', 'childAgencyId', 'requestAgencyId'] as const) {
    if (typeof input[key] !== 'string' || input[key].trim() === '') throw new TypeError(`openCase: ${key} is required`);
  }
  const state: CaseState = {
    caseId: input.caseId,
    proposalId: input.proposalId ?? null,
    childId: input.childId,
    tracingRequestId: input.tracingRequestId,
    soughtChildRef: input.soughtChildRef ?? null,
    childAgencyId: input.childAgencyId,
    requestAgencyId: input.requestAgencyId,
    status: CaseStatus.MatchConfirmed,
    version: 1,
    openedAt: now,
    updatedAt: now,
    statusBeforeSuspension: null,
    statusBeforeClosure: null,
    verification: emptyVerification(),
    reunificationPlan: null,
    reunification: null,
    followUps: [],
    closure: null,
    lastReopening: null,
    alternativeCare: null,
    suspension: null,
    supersededByCaseId: null,
    appliedCommands: [],
  };
  const event: CaseOpened = {
    type: 'case.opened',
    eventId: `${state.caseId}:1`,
    caseId: state.caseId,
    proposalId: state.proposalId,
    childId: state.childId,
    tracingRequestId: state.tracingRequestId,
    soughtChildRef: state.soughtChildRef,
    childAgencyId: state.childAgencyId,
    requestAgencyId: state.requestAgencyId,
    status: state.status,
    caseVersion: 1,
    actor: copyActor(actor),
    occurredAt: now,
    commandId: input.commandId ?? null,
    correlationId: input.correlationId ?? null,
    notifyAgencyIds: agenciesOf(state),
  };
  return { state, event };
}

// ---- deciding ---------------------------------------------------------------------------------

/** Where `reopen` would lead this closed case, or null when the state does not say. */
export function reopenTargetOf(state: Pick<CaseState, 'statusBeforeClosure' | 'statusBeforeSuspension'>): CaseStatus | null {
  let before = state.statusBeforeClosure;
  if (before === S.Suspended) before = state.statusBeforeSuspension;
  if (before === null || before === S.Closed || before === S.Superseded || before === S.Suspended) return null;
  return REOPEN_TARGETS[before] ?? null;
}

interface Ctx {
  state: CaseState;
  type: CaseCommandType;
  cmd: Record<string, unknown>;
  actor: Actor;
  now: string;
  nowMs: number;
  to: CaseStatus;
  note: string | null;
}

interface Effect {
  patch: Partial<CaseState>;
  details: CaseEventDetails;
  reasonCode: string | null;
}

type Outcome = Effect | Refused<CaseRuleCode>;

const no = (code: CaseRuleCode, rule: string, fields?: string[]): Refused<CaseRuleCode> => refuse(CASE_RULES, code, rule, fields);

function isRefused(x: unknown): x is Refused<CaseRuleCode> {
  return typeof x === 'object' && x !== null && (x as { ok?: unknown }).ok === false;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A reason code from `list`, or the refusal naming the rule (`other` needs a note). */
function reasonFrom<R extends string>(
  ctx: Ctx,
  list: readonly R[],
  code: CaseRuleCode,
  what: string,
  key = 'reasonCode',
): R | Refused<CaseRuleCode> {
  const r = ctx.cmd[key];
  if (r === undefined || r === null || r === '') {
    return no(code, `${what} needs a reason code (one of ${list.join(', ')})`, [key]);
  }
  if (typeof r !== 'string' || !(list as readonly string[]).includes(r)) {
    return no(code, `${what}: unknown reason code ${JSON.stringify(r)} (one of ${list.join(', ')})`, [key]);
  }
  if (r === 'other' && ctx.note === null) return no(code, `${what}: reason 'other' needs a note saying what it is`, ['note']);
  return r as R;
}

function textField(ctx: Ctx, key: string, max: number): string | Refused<CaseRuleCode> {
  const v = ctx.cmd[key];
  if (typeof v !== 'string' || v.trim() === '') return no('DETAILS_INVALID', `${ctx.type}: ${key} is required`, [key]);
  if (v.length > max) return no('DETAILS_INVALID', `${ctx.type}: ${key} is longer than ${max} characters`, [key]);
  return v.trim();
}

function dateField(ctx: Ctx, key: string) {
  const span = parseDateInput(ctx.cmd[key]);
  if (!span) return no('DETAILS_INVALID', `${ctx.type}: ${key} must be a date (YYYY-MM-DD) or an ISO-8601 instant with a zone`, [key]);
  return span;
}

function booleanField(ctx: Ctx, key: string): boolean | Refused<CaseRuleCode> {
  const v = ctx.cmd[key];
  if (typeof v !== 'boolean') return no('DETAILS_INVALID', `${ctx.type}: ${key} must be true or false`, [key]);
  return v;
}

function newRound(ctx: Ctx): VerificationRecord {
  return { ...emptyVerification(), round: ctx.state.verification.round + 1, startedAt: ctx.now, startedBy: ctx.actor.id };
}

function requireApprovedVerification(ctx: Ctx): Refused<CaseRuleCode> | null {
  const v = ctx.state.verification;
  if (v.approvedAt === null || v.checklist === null) {
    return no('REUNIFICATION_REQUIRES_VERIFICATION', 'no reunification before verification: this case has no approved verification');
  }
  return null;
}

const HANDLERS: { [T in CaseCommandType]: (ctx: Ctx) => Outcome } = {
  start_verification(ctx) {
    const verification = newRound(ctx);
    return {
      patch: { verification, reunificationPlan: null, alternativeCare: null },
      details: { kind: 'start_verification', round: verification.round },
      reasonCode: null,
    };
  },

  submit_verification(ctx) {
    const problems = checklistProblems(ctx.cmd.checklist);
    if (problems.length > 0) {
      return no(
        'CHECKLIST_INCOMPLETE',
        `verification checklist incomplete: ${problems.map((p) => p.detail).join('; ')}. ` +
          'If the checks do not hold, record a failed verification (fail_verification) instead',
        problems.map((p) => `checklist.${p.item}`),
      );
    }
    const checklist = pickChecklist(ctx.cmd.checklist as Record<string, unknown>) as VerificationChecklist;
    const v = ctx.state.verification;
    return {
      patch: { verification: { ...v, checklist, submittedAt: ctx.now, submittedBy: ctx.actor.id, approvedAt: null, approvedBy: null } },
      details: { kind: 'submit_verification', round: v.round, checklist },
      reasonCode: null,
    };
  },

  approve_verification(ctx) {
    const v = ctx.state.verification;
    if (v.submittedBy === null) return no('FOUR_EYES', 'four eyes: the verification has no recorded submitter, so its approval cannot be checked');
    if (v.submittedBy === ctx.actor.id) {
      return no('FOUR_EYES', 'four eyes: you submitted this verification; another supervisor must approve it');
    }
    const problems = checklistProblems(v.checklist);
    if (problems.length > 0 || v.checklist === null) {
      return no('CHECKLIST_INCOMPLETE', `the recorded checklist does not support verified: ${problems.map((p) => p.detail).join('; ')}`,
        problems.map((p) => `checklist.${p.item}`));
    }
    return {
      patch: { verification: { ...v, approvedAt: ctx.now, approvedBy: ctx.actor.id } },
      details: { kind: 'approve_verification', round: v.round, submittedBy: v.submittedBy, checklist: v.checklist },
      reasonCode: null,
    };
  },

  fail_verification(ctx) {
    const from = ctx.state.status;
    const revokes = from === S.Verified || from === S.ReunificationPlanned;
    if (revokes && ctx.actor.role !== 'supervisor') {
      return no('SUPERVISOR_REQUIRED', 'revoking an approved verification needs a supervisor');
    }
    const reasonCode = reasonFrom(ctx, VERIFICATION_FAILURE_REASONS, 'REASON_REQUIRED', 'fail_verification');
    if (isRefused(reasonCode)) return reasonCode;
    let findings: Partial<VerificationChecklist> | null = null;
    if (ctx.cmd.checklist !== undefined && ctx.cmd.checklist !== null) {
      const problems = partialChecklistProblems(ctx.cmd.checklist);
      if (problems.length > 0) {
        return no('DETAILS_INVALID', `fail_verification: ${problems.map((p) => p.detail).join('; ')}`, problems.map((p) => `checklist.${p.item}`));
      }
      findings = pickChecklist(ctx.cmd.checklist as Record<string, unknown>);
    }
    const v = ctx.state.verification;
    return {
      patch: {
        verification: {
          ...v,
          approvedAt: null,
          approvedBy: null,
          failure: { reasonCode, note: ctx.note, findings, revokedApproval: revokes, at: ctx.now, by: ctx.actor.id },
        },
        reunificationPlan: null,
      },
      details: { kind: 'fail_verification', round: v.round, findings, revokedApproval: revokes },
      reasonCode,
    };
  },

  plan_reunification(ctx) {
    const unverified = requireApprovedVerification(ctx);
    if (unverified) return unverified;
    const planned = dateField(ctx, 'plannedDate');
    if (isRefused(planned)) return planned;
    if (isCertainlyBefore(planned, instantSpan(ctx.state.verification.approvedAt as string))) {
      return no('REUNIFICATION_REQUIRES_VERIFICATION', 'no reunification before verification: the planned date is before the verification was approved', ['plannedDate']);
    }
    const place = textField(ctx, 'place', MAX_PLACE_LENGTH);
    if (isRefused(place)) return place;
    return {
      patch: { reunificationPlan: { plannedDate: planned.value, place, plannedAt: ctx.now, plannedBy: ctx.actor.id } },
      details: { kind: 'plan_reunification', plannedDate: planned.value, place, rescheduled: ctx.state.status === S.ReunificationPlanned },
      reasonCode: null,
    };
  },

  record_reunification(ctx) {
    const unverified = requireApprovedVerification(ctx);
    if (unverified) return unverified;
    const date = dateField(ctx, 'date');
    if (isRefused(date)) return date;
    if (isInFuture(date, ctx.nowMs)) return no('DETAILS_INVALID', 'record_reunification: the date is in the future', ['date']);
    if (isCertainlyBefore(date, instantSpan(ctx.state.verification.approvedAt as string))) {
      return no('REUNIFICATION_REQUIRES_VERIFICATION', 'no reunification before verification: the date is before the verification was approved', ['date']);
    }
    const place = textField(ctx, 'place', MAX_PLACE_LENGTH);
    if (isRefused(place)) return place;
    const withVerified = booleanField(ctx, 'reunitedWithVerifiedAdult');
    if (isRefused(withVerified)) return withVerified;
    let notReunitedReasonCode: NotReunitedReason | null = null;
    const given = ctx.cmd.notReunitedReasonCode;
    if (withVerified) {
      if (given !== undefined && given !== null) {
        return no('DETAILS_INVALID', 'record_reunification: notReunitedReasonCode only applies when the child was not reunited with the verified adult', ['notReunitedReasonCode']);
      }
    } else {
      const r = reasonFrom(ctx, NOT_REUNITED_REASONS, 'REASON_REQUIRED',
        'record_reunification (child not reunited with the verified adult)', 'notReunitedReasonCode');
      if (isRefused(r)) return r;
      notReunitedReasonCode = r;
    }
    return {
      patch: {
        reunification: {
          date: date.value,
          place,
          reunitedWithVerifiedAdult: withVerified,
          notReunitedReasonCode,
          note: ctx.note,
          recordedAt: ctx.now,
          recordedBy: ctx.actor.id,
        },
      },
      details: { kind: 'record_reunification', date: date.value, place, reunitedWithVerifiedAdult: withVerified, notReunitedReasonCode },
      reasonCode: notReunitedReasonCode,
    };
  },

  record_follow_up(ctx) {
    const visit = dateField(ctx, 'visitDate');
    if (isRefused(visit)) return visit;
    if (isInFuture(visit, ctx.nowMs)) return no('DETAILS_INVALID', 'record_follow_up: the visit date is in the future', ['visitDate']);
    const reunifiedOn = ctx.state.reunification ? parseDateInput(ctx.state.reunification.date) : null;
    if (reunifiedOn && isCertainlyBefore(visit, reunifiedOn)) {
      return no('DETAILS_INVALID', 'record_follow_up: the visit date is before the reunification', ['visitDate']);
    }
    const childSeen = booleanField(ctx, 'childSeen');
    if (isRefused(childSeen)) return childSeen;
    const outcome = ctx.cmd.outcomeCode;
    if (typeof outcome !== 'string' || !(FOLLOW_UP_OUTCOMES as readonly string[]).includes(outcome)) {
      return no('DETAILS_INVALID', `record_follow_up: outcomeCode must be one of ${FOLLOW_UP_OUTCOMES.join(', ')}`, ['outcomeCode']);
    }
    const outcomeCode = outcome as FollowUpOutcome;
    if (!childSeen && outcomeCode !== 'child_not_seen') {
      return no('DETAILS_INVALID', "record_follow_up: when the child was not seen the outcome is 'child_not_seen'", ['outcomeCode']);
    }
    if (childSeen && outcomeCode === 'child_not_seen') {
      return no('DETAILS_INVALID', "record_follow_up: outcome 'child_not_seen' contradicts childSeen = true", ['outcomeCode']);
    }
    if (outcomeCode === 'other' && ctx.note === null) {
      return no('DETAILS_INVALID', "record_follow_up: outcome 'other' needs a note saying what it is", ['note']);
    }
    const further = booleanField(ctx, 'needsFurtherFollowUp');
    if (isRefused(further)) return further;
    let nextVisitDueBy: string | null = null;
    if (ctx.cmd.nextVisitDueBy !== undefined && ctx.cmd.nextVisitDueBy !== null) {
      if (!further) {
        return no('DETAILS_INVALID', 'record_follow_up: nextVisitDueBy only applies when needsFurtherFollowUp is true', ['nextVisitDueBy']);
      }
      const due = dateField(ctx, 'nextVisitDueBy');
      if (isRefused(due)) return due;
      if (isCertainlyBefore(due, visit)) return no('DETAILS_INVALID', 'record_follow_up: nextVisitDueBy is before the visit', ['nextVisitDueBy']);
      nextVisitDueBy = due.value;
    }
    const record: FollowUpVisit = {
      visitDate: visit.value,
      childSeen,
      outcomeCode,
      needsFurtherFollowUp: further,
      nextVisitDueBy,
      note: ctx.note,
      recordedAt: ctx.now,
      recordedBy: ctx.actor.id,
    };
    return { patch: { followUps: [...ctx.state.followUps, record] }, details: { kind: 'record_follow_up', visit: record }, reasonCode: null };
  },

  close(ctx) {
    const reasonCode = reasonFrom(ctx, CLOSURE_REASONS, 'CLOSURE_REASON_REQUIRED', 'close');
    if (isRefused(reasonCode)) return reasonCode;
    const from = ctx.state.status;
    const effective = from === S.Suspended ? ctx.state.statusBeforeSuspension : from;
    const appliesTo = CLOSURE_REASON_APPLIES_TO[reasonCode];
    if (appliesTo && (effective === null || !appliesTo.includes(effective))) {
      return no('CLOSURE_REASON_NOT_APPLICABLE', `closure reason '${reasonCode}' does not fit a case in ${effective ?? from} (only ${appliesTo.join(', ')})`, ['reasonCode']);
    }
    if (reasonCode === 'reunified_and_stable') {
      const last = ctx.state.followUps[ctx.state.followUps.length - 1];
      if (last?.needsFurtherFollowUp) {
        return no('FOLLOW_UP_OUTSTANDING', `cannot close as reunified_and_stable: the follow-up visit of ${last.visitDate} asks for another visit`);
      }
    }
    return {
      patch: { closure: { reasonCode, note: ctx.note, at: ctx.now, by: ctx.actor.id }, statusBeforeClosure: from },
      details: { kind: 'close', statusBeforeClosure: from },
      reasonCode,
    };
  },

  reopen(ctx) {
    const reasonCode = reasonFrom(ctx, REOPEN_REASONS, 'REOPEN_REASON_REQUIRED', 'reopen');
    if (isRefused(reasonCode)) return reasonCode;
    const restart = ctx.to === S.VerificationInProgress;
    const patch: Partial<CaseState> = {
      closure: null,
      statusBeforeClosure: null,
      suspension: null,
      statusBeforeSuspension: null,
      lastReopening: { reasonCode, note: ctx.note, at: ctx.now, by: ctx.actor.id },
    };
    if (restart) {
      patch.verification = newRound(ctx);
      patch.reunificationPlan = null;
    }
    return {
      patch,
      details: { kind: 'reopen', statusBeforeClosure: ctx.state.statusBeforeClosure, verificationRestarted: restart },
      reasonCode,
    };
  },

  move_to_alternative_care(ctx) {
    const reasonCode = reasonFrom(ctx, ALTERNATIVE_CARE_REASONS, 'REASON_REQUIRED', 'move_to_alternative_care');
    if (isRefused(reasonCode)) return reasonCode;
    return {
      patch: { alternativeCare: { reasonCode, note: ctx.note, at: ctx.now, by: ctx.actor.id }, reunificationPlan: null },
      details: { kind: 'move_to_alternative_care' },
      reasonCode,
    };
  },

  suspend(ctx) {
    const reasonCode = reasonFrom(ctx, SUSPENSION_REASONS, 'REASON_REQUIRED', 'suspend');
    if (isRefused(reasonCode)) return reasonCode;
    return {
      patch: { suspension: { reasonCode, note: ctx.note, at: ctx.now, by: ctx.actor.id }, statusBeforeSuspension: ctx.state.status },
      details: { kind: 'suspend' },
      reasonCode,
    };
  },

  resume(ctx) {
    return {
      patch: { suspension: null, statusBeforeSuspension: null },
      details: { kind: 'resume', suspendedSince: ctx.state.suspension?.at ?? null },
      reasonCode: null,
    };
  },

  supersede(ctx) {
    const by = ctx.cmd.supersededByCaseId;
    if (typeof by !== 'string' || by.trim() === '') {
      return no('DETAILS_INVALID', 'supersede: supersededByCaseId (the case through which the child was reunified) is required', ['supersededByCaseId']);
    }
    if (by === ctx.state.caseId) return no('DETAILS_INVALID', 'supersede: a case cannot supersede itself', ['supersededByCaseId']);
    return {
      patch: { supersededByCaseId: by },
      details: { kind: 'supersede', supersededByCaseId: by },
      reasonCode: 'reunited_elsewhere',
    };
  },
};

const MAX_ID_LENGTH = 200;

function optionalId(cmd: Record<string, unknown>, key: 'commandId' | 'correlationId'): string | null | Refused<CaseRuleCode> {
  const v = cmd[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.trim() === '' || v.length > MAX_ID_LENGTH) {
    return no('DETAILS_INVALID', `${key} must be a non-empty string of at most ${MAX_ID_LENGTH} characters`, [key]);
  }
  return v;
}

function roleRefusal(type: CaseCommandType, actor: Actor): Refused<CaseRuleCode> | null {
  const allowed = CASE_COMMAND_ROLES[type];
  if (allowed.includes(actor.role)) return null;
  if (allowed.includes('supervisor') && actor.role === 'coordinator') {
    return no('SUPERVISOR_REQUIRED', `${type} needs a supervisor (the second pair of eyes)`);
  }
  if (actor.role === 'auditor') return no('ROLE_NOT_ALLOWED', 'auditors have read-only access and cannot act on cases');
  return no('ROLE_NOT_ALLOWED', `role '${actor.role}' cannot ${type} (allowed: ${allowed.join(', ')})`);
}

function sourceRefusal(state: CaseState, type: CaseCommandType): Refused<CaseRuleCode> {
  const from = state.status;
  if ((type === 'record_reunification' || type === 'plan_reunification') && PRE_VERIFICATION_STATUSES.includes(from)) {
    return no('REUNIFICATION_REQUIRES_VERIFICATION', `no reunification before verification: the case is ${from}; its verification must be approved by a supervisor first`);
  }
  if (type === 'record_reunification' && from === S.Verified) {
    return no('INVALID_TRANSITION', 'from verified to reunified is not allowed: plan the reunification first (plan_reunification)');
  }
  if (type === 'resume') return no('INVALID_TRANSITION', `the case is ${from}, not suspended: nothing to resume`);
  if (type === 'reopen') return no('INVALID_TRANSITION', `the case is ${from}, not closed: only a closed case can be reopened`);
  if (from === S.Suspended) return no('INVALID_TRANSITION', `the case is suspended: resume it before ${type}`);
  const to = COMMAND_TARGET[type];
  return no('INVALID_TRANSITION', `from ${from} to ${to} is not allowed (${type} is accepted in: ${COMMAND_ACCEPTED_IN[type].join(', ')})`);
}

/**
 * Decide one workflow command on a case. Checks, in order: the command is known; a replayed command
 * id (duplicate → ok with no event; reused for other content → COMMAND_ID_REUSED); the actor's role;
 * a finished case (CASE_SUPERSEDED / CASE_CLOSED); the transition table; then the command's own rules.
 */
export function decideTransition(state: CaseState, command: CaseCommand, actor: Actor, now: string): CaseDecision {
  const nowMs = parseNow(now);
  const cmd: unknown = command;
  if (!isObject(cmd) || !isCaseCommandType(cmd.type)) {
    const type = isObject(cmd) ? JSON.stringify(cmd.type) : 'none';
    return no('UNKNOWN_COMMAND', `unknown case command ${type} (one of ${CASE_COMMAND_TYPES.join(', ')})`, ['type']);
  }
  const type = cmd.type;

  const commandId = optionalId(cmd, 'commandId');
  if (isRefused(commandId)) return commandId;
  const correlationId = optionalId(cmd, 'correlationId');
  if (isRefused(correlationId)) return correlationId;
  const fingerprint = commandFingerprint(cmd, actor.id);
  if (commandId !== null) {
    const replay = checkReplay(state.appliedCommands, commandId, fingerprint);
    if (replay === 'duplicate') return { ok: true, duplicate: true, next: state };
    if (replay === 'conflict') {
      return no('COMMAND_ID_REUSED', `command id ${commandId} was already used for a different command on this case`, ['commandId']);
    }
  }

  const roleProblem = roleRefusal(type, actor);
  if (roleProblem) return roleProblem;

  const from = state.status;
  if (from === S.Superseded) {
    return no('CASE_SUPERSEDED', `the case was superseded${state.supersededByCaseId ? ` by case ${state.supersededByCaseId}` : ''} (the child was reunified through another case) and accepts no command`);
  }
  if (from === S.Closed && type !== 'reopen') return no('CASE_CLOSED', `the case is closed: ${type} is not possible; reopen it first (with a reason)`);
  if (!COMMAND_ACCEPTED_IN[type].includes(from)) return sourceRefusal(state, type);

  let to: CaseStatus | null;
  if (type === 'resume') to = state.statusBeforeSuspension;
  else if (type === 'reopen') to = reopenTargetOf(state);
  else to = COMMAND_TARGET[type];
  if (to === null || !isTransitionAllowed(from, to)) {
    return no('INVALID_TRANSITION', `from ${from} to ${to ?? 'an unrecorded earlier status'} is not allowed`);
  }

  const rawNote = cmd.note;
  let note: string | null = null;
  if (rawNote !== undefined && rawNote !== null) {
    if (typeof rawNote !== 'string' || rawNote.length > MAX_NOTE_LENGTH) {
      return no('DETAILS_INVALID', `note must be text of at most ${MAX_NOTE_LENGTH} characters`, ['note']);
    }
    note = rawNote.trim() === '' ? null : rawNote.trim();
  }

  const outcome = HANDLERS[type]({ state, type, cmd, actor, now, nowMs, to, note });
  if (isRefused(outcome)) return outcome;

  const next: CaseState = {
    ...state,
    ...outcome.patch,
    status: to,
    version: state.version + 1,
    updatedAt: now,
    appliedCommands: rememberCommand(state.appliedCommands, commandId, fingerprint),
  };
  const event: CaseTransitioned = {
    type: 'case.transitioned',
    eventId: `${state.caseId}:${next.version}`,
    caseId: state.caseId,
    proposalId: state.proposalId,
    childId: state.childId,
    tracingRequestId: state.tracingRequestId,
    soughtChildRef: state.soughtChildRef,
    command: type,
    from,
    to,
    caseVersion: next.version,
    actor: copyActor(actor),
    occurredAt: now,
    commandId,
    correlationId,
    reasonCode: outcome.reasonCode,
    note,
    details: outcome.details,
    notifyAgencyIds: agenciesOf(state),
  };
  return { ok: true, duplicate: false, next, event };
}

/** True for a case the supersede cascade can reach (not closed, not superseded). */
export function isOpenCase(state: Pick<CaseState, 'status'>): boolean {
  return !FINISHED_CASE_STATUSES.includes(state.status);
}

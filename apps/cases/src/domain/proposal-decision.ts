/**
 * Match review: a coordinator's decisions on a proposal from the matching service, as a pure function
 *
 *   decideOnProposal(proposal, decision, actor, now) → { ok, next, event, openCase, … } | { ok: false, error }
 *
 * pending → confirmed | rejected | possible_sibling | possible_duplicate | info_requested | withdrawn | superseded;
 * info_requested → pending when the information arrives. Confirming a child ↔ sought-child proposal
 * opens a case. A decided proposal refuses a second, different decision (PROPOSAL_ALREADY_DECIDED),
 * except the moves listed in PROPOSAL_DECISION_ACCEPTED_IN (tentative marks can still be resolved).
 * A rejection is remembered with the pair's fingerprint: the pair comes back only when a record
 * changed materially (the matching service changes the fingerprint then).
 */
import { Actor, ActorRole, CASEWORK_ROLES } from './actor';
import { CaseOpened, CaseState, openCase } from './case-workflow';
import { parseNow } from './dates';
import { AppliedCommand, checkReplay, commandFingerprint, rememberCommand } from './idempotency';
import { Refused, RuleHttpStatus, refuse } from './rule-violation';
import { MAX_NOTE_LENGTH } from './case-reasons';

// ---- statuses ---------------------------------------------------------------------------------

export const ProposalStatus = {
  Pending: 'pending',
  Confirmed: 'confirmed',
  Rejected: 'rejected',
  PossibleSibling: 'possible_sibling',
  PossibleDuplicate: 'possible_duplicate',
  InfoRequested: 'info_requested',
  /** the matching service withdrew it (a record closed or changed) */
  Withdrawn: 'withdrawn',
  /** the child or the tracing request was reunified through another case */
  Superseded: 'superseded',
} as const;
export type ProposalStatus = (typeof ProposalStatus)[keyof typeof ProposalStatus];
export const PROPOSAL_STATUSES: readonly ProposalStatus[] = Object.values(ProposalStatus);

const P = ProposalStatus;

/** Awaiting a coordinator's decision. These are the proposals a supersede cascade reaches. */
export const OPEN_PROPOSAL_STATUSES: readonly ProposalStatus[] = [P.Pending, P.InfoRequested];
/** Statuses that are a coordinator's decision; a different decision on them is PROPOSAL_ALREADY_DECIDED. */
export const DECIDED_PROPOSAL_STATUSES: readonly ProposalStatus[] = [P.Confirmed, P.Rejected, P.PossibleSibling, P.PossibleDuplicate];

/** Same values as `MatchKind` in @kinlink/contracts. */
export type MatchKind = 'child-sought' | 'duplicate-child' | 'same-sought-child' | 'possible-sibling';
export const MATCH_KINDS: readonly MatchKind[] = ['child-sought', 'duplicate-child', 'same-sought-child', 'possible-sibling'];

/** One side of a proposal; same shape as `MatchSide` in @kinlink/contracts. */
export interface ProposalSide {
  type: 'child' | 'sought-child';
  /** child id, or tracing request id for a sought child */
  id: string;
  /** the sought child's ref within its tracing request */
  ref?: string;
  agencyId: string;
}

// ---- decisions --------------------------------------------------------------------------------

export const REJECT_REASONS = ['not_same_child', 'different_family', 'insufficient_information', 'duplicate_record', 'other'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export const WITHDRAWAL_REASONS = ['record_closed', 'record_changed', 'record_erased', 'consent_withdrawn'] as const;
export type WithdrawalReason = (typeof WITHDRAWAL_REASONS)[number];

interface DecisionBase {
  commandId?: string;
  correlationId?: string;
  note?: string;
}
export interface ConfirmProposal extends DecisionBase {
  type: 'confirm';
  /** id of the case to open (child ↔ sought-child proposals); assigned by the service, not the client */
  caseId?: string;
  /**
   * a supervisor confirmed despite a safeguarding restriction (set by the service after the check):
   * recorded in the decision's note after the coordinator's own note, which keeps its own length limit
   */
  safeguardingOverride?: { rule: string; by: string; reason: string };
}
export interface RejectProposal extends DecisionBase {
  type: 'reject';
  reasonCode: RejectReason;
}
export interface MarkPossibleSibling extends DecisionBase {
  type: 'possible_sibling';
}
export interface MarkPossibleDuplicate extends DecisionBase {
  type: 'possible_duplicate';
}
export interface RequestInformation extends DecisionBase {
  type: 'request_information';
  /** what is asked: required */
  note: string;
  /** whose record the question is about; default both */
  about?: 'left' | 'right' | 'both';
}
export interface InformationReceived extends DecisionBase {
  type: 'information_received';
}
/** System: the matching service proposes a rejected or withdrawn pair again. */
export interface ReopenProposal extends DecisionBase {
  type: 'reopen';
  fingerprint: string;
}
/** System: the matching service withdrew the proposal. */
export interface WithdrawProposal extends DecisionBase {
  type: 'withdraw';
  reasonCode: WithdrawalReason;
}
/** System: the child or tracing request was reunified through another case. */
export interface SupersedeProposal extends DecisionBase {
  type: 'supersede';
  byCaseId: string;
}

export type ProposalDecision =
  | ConfirmProposal
  | RejectProposal
  | MarkPossibleSibling
  | MarkPossibleDuplicate
  | RequestInformation
  | InformationReceived
  | ReopenProposal
  | WithdrawProposal
  | SupersedeProposal;
export type ProposalDecisionType = ProposalDecision['type'];

export const DECISION_TARGET: Readonly<Record<ProposalDecisionType, ProposalStatus>> = {
  confirm: P.Confirmed,
  reject: P.Rejected,
  possible_sibling: P.PossibleSibling,
  possible_duplicate: P.PossibleDuplicate,
  request_information: P.InfoRequested,
  information_received: P.Pending,
  reopen: P.Pending,
  withdraw: P.Withdrawn,
  supersede: P.Superseded,
};

/**
 * The statuses each decision is accepted in — including the allowed moves on a decided proposal:
 * a tentative mark (possible sibling / duplicate) can still be confirmed, rejected, sent for more
 * information or withdrawn; a rejected pair comes back (reopen) only with a changed fingerprint.
 * Confirmed and superseded are final.
 */
export const PROPOSAL_DECISION_ACCEPTED_IN: Readonly<Record<ProposalDecisionType, readonly ProposalStatus[]>> = {
  confirm: [P.Pending, P.InfoRequested, P.PossibleSibling, P.PossibleDuplicate],
  reject: [P.Pending, P.InfoRequested, P.PossibleSibling, P.PossibleDuplicate],
  possible_sibling: [P.Pending, P.InfoRequested],
  possible_duplicate: [P.Pending, P.InfoRequested],
  request_information: [P.Pending, P.PossibleSibling, P.PossibleDuplicate],
  information_received: [P.InfoRequested],
  reopen: [P.Rejected, P.Withdrawn],
  withdraw: [P.Pending, P.InfoRequested, P.PossibleSibling, P.PossibleDuplicate],
  supersede: [P.Pending, P.InfoRequested],
};

/** The proposal transition table (from → allowed to), derived from the two tables above. */
export const PROPOSAL_TRANSITIONS: Readonly<Record<ProposalStatus, readonly ProposalStatus[]>> = Object.fromEntries(
  PROPOSAL_STATUSES.map((from) => [
    from,
    [...new Set((Object.keys(DECISION_TARGET) as ProposalDecisionType[])
      .filter((d) => PROPOSAL_DECISION_ACCEPTED_IN[d].includes(from))
      .map((d) => DECISION_TARGET[d]))],
  ]),
) as Record<ProposalStatus, ProposalStatus[]>;

export const PROPOSAL_DECISION_ROLES: Readonly<Record<ProposalDecisionType, readonly ActorRole[]>> = {
  confirm: CASEWORK_ROLES,
  reject: CASEWORK_ROLES,
  possible_sibling: CASEWORK_ROLES,
  possible_duplicate: CASEWORK_ROLES,
  request_information: CASEWORK_ROLES,
  information_received: [...CASEWORK_ROLES, 'system'],
  reopen: ['system'],
  withdraw: ['system'],
  supersede: ['system'],
};

export const PROPOSAL_DECISION_TYPES = Object.keys(DECISION_TARGET) as ProposalDecisionType[];

export function isProposalDecisionType(value: unknown): value is ProposalDecisionType {
  return typeof value === 'string' && (PROPOSAL_DECISION_TYPES as string[]).includes(value);
}

// ---- rules ------------------------------------------------------------------------------------

export const PROPOSAL_RULES = {
  ROLE_NOT_ALLOWED: {
    httpStatus: 403,
    summary: 'Only coordinators and supervisors decide on proposals; reopen, withdraw and supersede come from the system.',
  },
  PROPOSAL_ALREADY_DECIDED: {
    httpStatus: 409,
    summary: 'A decided proposal does not take a second, different decision (except the moves in PROPOSAL_DECISION_ACCEPTED_IN).',
  },
  PROPOSAL_SUPERSEDED: { httpStatus: 409, summary: 'A superseded proposal (reunited elsewhere) takes no decision.' },
  PROPOSAL_WITHDRAWN: { httpStatus: 409, summary: 'A withdrawn proposal takes no decision until the matching service proposes it again.' },
  INVALID_TRANSITION: { httpStatus: 409, summary: 'The decision does not apply to the proposal’s current status.' },
  REJECTED_PAIR_UNCHANGED: {
    httpStatus: 409,
    summary: 'A rejected pair is proposed again only when one of its records changed materially (a new fingerprint).',
  },
  REJECT_REASON_REQUIRED: { httpStatus: 422, summary: 'Rejecting needs a reason code.' },
  NOTE_REQUIRED: { httpStatus: 422, summary: 'A request for information, and a rejection for reason other, need a note.' },
  DETAILS_INVALID: { httpStatus: 422, summary: 'A field of the decision is missing or malformed.' },
  COMMAND_ID_REUSED: { httpStatus: 422, summary: 'A command id was reused for a different decision (or by another actor).' },
  UNKNOWN_COMMAND: { httpStatus: 422, summary: 'The decision type is not one of the review decisions.' },
} as const satisfies Record<string, { httpStatus: RuleHttpStatus; summary: string }>;
export type ProposalRuleCode = keyof typeof PROPOSAL_RULES;
export const PROPOSAL_RULE_CODES = Object.keys(PROPOSAL_RULES) as ProposalRuleCode[];

// ---- state and events -------------------------------------------------------------------------

export interface ProposalState {
  proposalId: string;
  kind: MatchKind;
  left: ProposalSide;
  right: ProposalSide;
  /** the matching service's fingerprint of both records when (re)proposed */
  fingerprint: string;
  status: ProposalStatus;
  version: number;
  createdAt: string;
  updatedAt: string;
  lastDecision: {
    decision: ProposalDecisionType;
    reasonCode: string | null;
    note: string | null;
    actor: Actor;
    at: string;
  } | null;
  /** the remembered rejection: reason, who, when, and the fingerprint the pair had */
  rejection: { reasonCode: RejectReason; note: string | null; at: string; by: string; fingerprint: string } | null;
  informationRequest: {
    about: 'left' | 'right' | 'both';
    note: string;
    toAgencyIds: string[];
    at: string;
    by: string;
    answeredAt: string | null;
  } | null;
  caseId: string | null;
  supersededByCaseId: string | null;
  withdrawal: { reasonCode: WithdrawalReason; at: string } | null;
  appliedCommands: AppliedCommand[];
}

export interface ProposalDecided {
  type: 'proposal.decided';
  /** `<proposalId>:<proposalVersion>` */
  eventId: string;
  proposalId: string;
  kind: MatchKind;
  decision: ProposalDecisionType;
  from: ProposalStatus;
  to: ProposalStatus;
  proposalVersion: number;
  actor: Actor;
  occurredAt: string;
  commandId: string | null;
  correlationId: string | null;
  reasonCode: string | null;
  note: string | null;
  caseId: string | null;
  fingerprint: string;
  /** agencies asked for more information (request_information), to send the outbound request to */
  informationRequestedFrom: string[];
  /** agencies owning the two records */
  notifyAgencyIds: string[];
}

export type ProposalDecisionResult =
  | { ok: true; duplicate: false; next: ProposalState; event: ProposalDecided; openCase: false }
  | {
      ok: true;
      duplicate: false;
      next: ProposalState;
      event: ProposalDecided;
      openCase: true;
      caseState: CaseState;
      caseOpened: CaseOpened;
    }
  | { ok: true; duplicate: true; next: ProposalState }
  | Refused<ProposalRuleCode>;

export interface NewProposalInput {
  proposalId: string;
  kind: MatchKind;
  left: ProposalSide;
  right: ProposalSide;
  fingerprint: string;
}

function copySide(s: ProposalSide): ProposalSide {
  const side: ProposalSide = { type: s.type, id: s.id, agencyId: s.agencyId };
  if (s.ref !== undefined && s.ref !== null && s.ref !== '') side.ref = s.ref;
  return side;
}

/** A pending proposal from a `match.proposed` payload (extra fields such as the explanation are not kept). Throws on bad input. */
export function newProposal(input: NewProposalInput, now: string): ProposalState {
  parseNow(now);
  if (typeof input.proposalId !== 'string' || input.proposalId === '') throw new TypeError('newProposal: proposalId is required');
  if (!MATCH_KINDS.includes(input.kind)) throw new TypeError(`newProposal: unknown kind ${JSON.stringify(input.kind)}`);
  for (const side of [input.left, input.right]) {
    if (!side || (side.type !== 'child' && side.type !== 'sought-child') || !side.id || !side.agencyId) {
      throw new TypeError('newProposal: each side needs type, id and agencyId');
    }
  }
  if (typeof input.fingerprint !== 'string' || input.fingerprint.trim() === '') throw new TypeError('newProposal: fingerprint is required');
  return {
    proposalId: input.proposalId,
    kind: input.kind,
    left: copySide(input.left),
    right: copySide(input.right),
    fingerprint: input.fingerprint,
    status: P.Pending,
    version: 1,
    createdAt: now,
    updatedAt: now,
    lastDecision: null,
    rejection: null,
    informationRequest: null,
    caseId: null,
    supersededByCaseId: null,
    withdrawal: null,
    appliedCommands: [],
  };
}

/**
 * A record changed while the proposal is still under review (pending, info_requested or a tentative
 * mark): keep the new fingerprint, so that a later rejection remembers the records as they were
 * reviewed. Not a decision: no status change, no event, same version. Other statuses are returned
 * unchanged (a rejected or withdrawn pair comes back through the `reopen` decision).
 */
export function refreshProposalFingerprint(proposal: ProposalState, fingerprint: string, now: string): ProposalState {
  parseNow(now);
  const next = typeof fingerprint === 'string' ? fingerprint.trim() : '';
  const underReview: readonly ProposalStatus[] = [P.Pending, P.InfoRequested, P.PossibleSibling, P.PossibleDuplicate];
  if (next === '' || next === proposal.fingerprint || !underReview.includes(proposal.status)) return proposal;
  return { ...proposal, fingerprint: next, updatedAt: now };
}

// ---- remembered rejections --------------------------------------------------------------------

/**
 * Should a rejected pair be reviewed again? Only when the matching service's fingerprint changed
 * (it changes when either record changes materially). No new fingerprint → no: a change cannot be
 * shown. No remembered fingerprint (a rejection stored before fingerprints existed) but a new one → yes.
 */
export function shouldReopenRejected(rejectedFingerprint: string | null | undefined, newFingerprint: string | null | undefined): boolean {
  const next = typeof newFingerprint === 'string' ? newFingerprint.trim() : '';
  if (next === '') return false;
  const before = typeof rejectedFingerprint === 'string' ? rejectedFingerprint.trim() : '';
  if (before === '') return true;
  return before !== next;
}

function sideKey(s: ProposalSide): string {
  return `${s.type}:${s.id}${s.ref ? `#${s.ref}` : ''}`;
}

/** An order-independent key of the pair, to find a remembered decision when the pair is proposed again under a new id. */
export function proposalPairKey(p: { kind: MatchKind; left: ProposalSide; right: ProposalSide }): string {
  const [a, b] = [sideKey(p.left), sideKey(p.right)].sort();
  return `${p.kind}|${a}|${b}`;
}

// ---- deciding ---------------------------------------------------------------------------------

const no = (code: ProposalRuleCode, rule: string, fields?: string[]): Refused<ProposalRuleCode> => refuse(PROPOSAL_RULES, code, rule, fields);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalId(d: Record<string, unknown>, key: string): string | null | Refused<ProposalRuleCode> {
  const v = d[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.trim() === '' || v.length > 200) {
    return no('DETAILS_INVALID', `${key} must be a non-empty string of at most 200 characters`, [key]);
  }
  return v;
}

function isRefused(x: unknown): x is Refused<ProposalRuleCode> {
  return isObject(x) && x.ok === false;
}

/** The reason code a decision records (compared to spot the same decision taken twice). */
function effectiveReason(type: ProposalDecisionType, d: Record<string, unknown>): string | null {
  if (type === 'supersede') return 'reunited_elsewhere';
  if (type === 'reject' || type === 'withdraw') return typeof d.reasonCode === 'string' ? d.reasonCode : null;
  return null;
}

function agenciesOf(p: ProposalState): string[] {
  return [...new Set([p.left.agencyId, p.right.agencyId])].sort();
}

function sourceRefusal(p: ProposalState, type: ProposalDecisionType): Refused<ProposalRuleCode> {
  const allowedNext = PROPOSAL_DECISION_TYPES.filter((d) => PROPOSAL_DECISION_ACCEPTED_IN[d].includes(p.status)
    && PROPOSAL_DECISION_ROLES[d].some((r) => CASEWORK_ROLES.includes(r)));
  if (p.status === P.Superseded) {
    return no('PROPOSAL_SUPERSEDED', `the proposal was superseded${p.supersededByCaseId ? ` by case ${p.supersededByCaseId}` : ''} (reunited elsewhere) and takes no decision`);
  }
  if (p.status === P.Withdrawn) return no('PROPOSAL_WITHDRAWN', 'the matching service withdrew this proposal; it takes no decision unless proposed again');
  if (DECIDED_PROPOSAL_STATUSES.includes(p.status)) {
    const by = p.lastDecision ? ` on ${p.lastDecision.at}` : '';
    return no('PROPOSAL_ALREADY_DECIDED',
      `the proposal was already decided (${p.status}${by}); ${type} is not possible` +
        (allowedNext.length ? ` (still possible: ${allowedNext.join(', ')})` : ' and the decision is final'));
  }
  return no('INVALID_TRANSITION', `${type} does not apply to a ${p.status} proposal (accepted in: ${PROPOSAL_DECISION_ACCEPTED_IN[type].join(', ')})`);
}

/**
 * Decide on a proposal. Order of checks: known decision; replayed command id; role; the same decision
 * already taken (acknowledged as a duplicate: a second "confirm" never opens a second case); whether
 * the decision applies to the status; the decision's own fields.
 */
export function decideOnProposal(proposal: ProposalState, decision: ProposalDecision, actor: Actor, now: string): ProposalDecisionResult {
  parseNow(now);
  const d: unknown = decision;
  if (!isObject(d) || !isProposalDecisionType(d.type)) {
    const type = isObject(d) ? JSON.stringify(d.type) : 'none';
    return no('UNKNOWN_COMMAND', `unknown proposal decision ${type} (one of ${PROPOSAL_DECISION_TYPES.join(', ')})`, ['type']);
  }
  const type = d.type;
  const commandId = optionalId(d, 'commandId');
  if (isRefused(commandId)) return commandId;
  const correlationId = optionalId(d, 'correlationId');
  if (isRefused(correlationId)) return correlationId;
  // caseId is assigned by the service (a fresh id per delivery), so it is not part of the content
  const { caseId: _assignedByService, ...content } = d;
  const fingerprint = commandFingerprint(content, actor.id);
  if (commandId !== null) {
    const replay = checkReplay(proposal.appliedCommands, commandId, fingerprint);
    if (replay === 'duplicate') return { ok: true, duplicate: true, next: proposal };
    if (replay === 'conflict') return no('COMMAND_ID_REUSED', `command id ${commandId} was already used for a different decision on this proposal`, ['commandId']);
  }

  const roles = PROPOSAL_DECISION_ROLES[type];
  if (!roles.includes(actor.role)) {
    return no('ROLE_NOT_ALLOWED', actor.role === 'auditor'
      ? 'auditors have read-only access and cannot decide on proposals'
      : `role '${actor.role}' cannot ${type} a proposal (allowed: ${roles.join(', ')})`);
  }

  const to = DECISION_TARGET[type];
  const last = proposal.lastDecision;
  if (proposal.status === to && last && last.decision === type && last.reasonCode === effectiveReason(type, d)) {
    return { ok: true, duplicate: true, next: proposal };
  }
  if (!PROPOSAL_DECISION_ACCEPTED_IN[type].includes(proposal.status)) return sourceRefusal(proposal, type);

  let note: string | null = null;
  if (d.note !== undefined && d.note !== null) {
    if (typeof d.note !== 'string' || d.note.length > MAX_NOTE_LENGTH) {
      return no('DETAILS_INVALID', `note must be text of at most ${MAX_NOTE_LENGTH} characters`, ['note']);
    }
    note = d.note.trim() === '' ? null : d.note.trim();
  }
  if (type === 'confirm' && d.safeguardingOverride) {
    const o = d.safeguardingOverride as NonNullable<ConfirmProposal['safeguardingOverride']>;
    note = `${note ? `${note} — ` : ''}safeguarding restriction ${o.rule} overridden by ${o.by}: ${o.reason}`;
  }

  const next: ProposalState = {
    ...proposal,
    status: to,
    version: proposal.version + 1,
    updatedAt: now,
    lastDecision: { decision: type, reasonCode: null, note, actor: { id: actor.id, role: actor.role, agencyId: actor.agencyId }, at: now },
    appliedCommands: rememberCommand(proposal.appliedCommands, commandId, fingerprint),
  };
  let reasonCode: string | null = null;
  let informationRequestedFrom: string[] = [];
  let opened: { state: CaseState; event: CaseOpened } | null = null;

  switch (type) {
    case 'confirm': {
      if (proposal.kind === 'child-sought') {
        const child = [proposal.left, proposal.right].find((s) => s.type === 'child');
        const sought = [proposal.left, proposal.right].find((s) => s.type === 'sought-child');
        if (!child || !sought) return no('DETAILS_INVALID', 'a child-sought proposal needs one child side and one sought-child side');
        const caseId = d.caseId;
        if (typeof caseId !== 'string' || caseId.trim() === '') {
          return no('DETAILS_INVALID', 'confirm: the id of the case to open (caseId) is required', ['caseId']);
        }
        opened = openCase(
          {
            caseId,
            proposalId: proposal.proposalId,
            childId: child.id,
            tracingRequestId: sought.id,
            soughtChildRef: sought.ref ?? null,
            childAgencyId: child.agencyId,
            requestAgencyId: sought.agencyId,
            commandId,
            correlationId,
          },
          actor,
          now,
        );
        next.caseId = caseId;
      }
      break;
    }
    case 'reject': {
      const r = d.reasonCode;
      if (r === undefined || r === null || r === '') {
        return no('REJECT_REASON_REQUIRED', `reject needs a reason code (one of ${REJECT_REASONS.join(', ')})`, ['reasonCode']);
      }
      if (typeof r !== 'string' || !(REJECT_REASONS as readonly string[]).includes(r)) {
        return no('REJECT_REASON_REQUIRED', `reject: unknown reason code ${JSON.stringify(r)} (one of ${REJECT_REASONS.join(', ')})`, ['reasonCode']);
      }
      if (r === 'other' && note === null) return no('NOTE_REQUIRED', "reject: reason 'other' needs a note saying why", ['note']);
      reasonCode = r;
      next.rejection = { reasonCode: r as RejectReason, note, at: now, by: actor.id, fingerprint: proposal.fingerprint };
      break;
    }
    case 'request_information': {
      if (note === null) return no('NOTE_REQUIRED', 'request_information needs a note saying what information is needed', ['note']);
      const about = d.about ?? 'both';
      if (about !== 'left' && about !== 'right' && about !== 'both') {
        return no('DETAILS_INVALID', "request_information: about must be 'left', 'right' or 'both'", ['about']);
      }
      const sides = about === 'left' ? [proposal.left] : about === 'right' ? [proposal.right] : [proposal.left, proposal.right];
      informationRequestedFrom = [...new Set(sides.map((s) => s.agencyId))].sort();
      next.informationRequest = { about, note, toAgencyIds: informationRequestedFrom, at: now, by: actor.id, answeredAt: null };
      break;
    }
    case 'information_received': {
      if (proposal.informationRequest) next.informationRequest = { ...proposal.informationRequest, answeredAt: now };
      break;
    }
    case 'reopen': {
      const fp = d.fingerprint;
      if (typeof fp !== 'string' || fp.trim() === '') return no('DETAILS_INVALID', 'reopen: the new fingerprint is required', ['fingerprint']);
      if (proposal.status === P.Rejected && !shouldReopenRejected(proposal.rejection?.fingerprint ?? proposal.fingerprint, fp)) {
        return no('REJECTED_PAIR_UNCHANGED', 'this pair was rejected and neither record changed materially since (same fingerprint)', ['fingerprint']);
      }
      next.fingerprint = fp;
      next.rejection = null;
      next.withdrawal = null;
      break;
    }
    case 'withdraw': {
      const r = d.reasonCode;
      if (typeof r !== 'string' || !(WITHDRAWAL_REASONS as readonly string[]).includes(r)) {
        return no('DETAILS_INVALID', `withdraw: reasonCode must be one of ${WITHDRAWAL_REASONS.join(', ')}`, ['reasonCode']);
      }
      reasonCode = r;
      next.withdrawal = { reasonCode: r as WithdrawalReason, at: now };
      break;
    }
    case 'supersede': {
      const by = d.byCaseId;
      if (typeof by !== 'string' || by.trim() === '') return no('DETAILS_INVALID', 'supersede: byCaseId is required', ['byCaseId']);
      reasonCode = 'reunited_elsewhere';
      next.supersededByCaseId = by;
      break;
    }
    case 'possible_sibling':
    case 'possible_duplicate':
      break;
  }
  next.lastDecision = { ...(next.lastDecision as NonNullable<ProposalState['lastDecision']>), reasonCode };

  const event: ProposalDecided = {
    type: 'proposal.decided',
    eventId: `${proposal.proposalId}:${next.version}`,
    proposalId: proposal.proposalId,
    kind: proposal.kind,
    decision: type,
    from: proposal.status,
    to,
    proposalVersion: next.version,
    actor: { id: actor.id, role: actor.role, agencyId: actor.agencyId },
    occurredAt: now,
    commandId,
    correlationId,
    reasonCode,
    note,
    caseId: next.caseId,
    fingerprint: next.fingerprint,
    informationRequestedFrom,
    notifyAgencyIds: agenciesOf(proposal),
  };
  if (opened) return { ok: true, duplicate: false, next, event, openCase: true, caseState: opened.state, caseOpened: opened.event };
  return { ok: true, duplicate: false, next, event, openCase: false };
}

/**
 * Statuses of a reunification case and the transitions between them, as data.
 *
 * match_confirmed → verification_in_progress → verification_submitted → verified | verification_failed
 *   → reunification_planned → reunified → follow_up → closed
 * plus alternative_care (reunification not in the child's best interests), suspended (on hold; resume
 * returns to the status held before), superseded (the child was reunified through another case: terminal).
 */
export const CaseStatus = {
  MatchConfirmed: 'match_confirmed',
  VerificationInProgress: 'verification_in_progress',
  /** checklist recorded, awaiting a supervisor's approval */
  VerificationSubmitted: 'verification_submitted',
  Verified: 'verified',
  VerificationFailed: 'verification_failed',
  ReunificationPlanned: 'reunification_planned',
  Reunified: 'reunified',
  FollowUp: 'follow_up',
  Closed: 'closed',
  AlternativeCare: 'alternative_care',
  Suspended: 'suspended',
  Superseded: 'superseded',
} as const;
export type CaseStatus = (typeof CaseStatus)[keyof typeof CaseStatus];

/** Every status, in workflow order (e.g. for a database enum or an OpenAPI schema). */
export const CASE_STATUSES: readonly CaseStatus[] = Object.values(CaseStatus);

export function isCaseStatus(value: unknown): value is CaseStatus {
  return typeof value === 'string' && (CASE_STATUSES as readonly string[]).includes(value);
}

const S = CaseStatus;

/** Statuses in which work goes on (neither on hold nor finished). */
export const ACTIVE_CASE_STATUSES: readonly CaseStatus[] = [
  S.MatchConfirmed,
  S.VerificationInProgress,
  S.VerificationSubmitted,
  S.Verified,
  S.VerificationFailed,
  S.ReunificationPlanned,
  S.Reunified,
  S.FollowUp,
  S.AlternativeCare,
];

/** Open = not closed and not superseded. These are the cases a supersede cascade reaches. */
export const OPEN_CASE_STATUSES: readonly CaseStatus[] = [...ACTIVE_CASE_STATUSES, S.Suspended];

/** No command other than `reopen` (for closed) is accepted in these. */
export const FINISHED_CASE_STATUSES: readonly CaseStatus[] = [S.Closed, S.Superseded];

/** Statuses from which `reunified` (and planning it) would skip an approved verification. */
export const PRE_VERIFICATION_STATUSES: readonly CaseStatus[] = [
  S.MatchConfirmed,
  S.VerificationInProgress,
  S.VerificationSubmitted,
  S.VerificationFailed,
  S.AlternativeCare,
];

/**
 * Where `reopen` leads, by the status the case had when it was closed. A verification does not
 * survive a closure: a case closed while verifying, verified or with a reunification planned is
 * reopened into a new verification round. A case closed after reunification reopens into follow-up.
 * (A case closed while suspended uses the status it held before the suspension.)
 */
export const REOPEN_TARGETS: Readonly<Record<Exclude<CaseStatus, 'closed' | 'superseded' | 'suspended'>, CaseStatus>> = {
  match_confirmed: S.MatchConfirmed,
  verification_in_progress: S.VerificationInProgress,
  verification_submitted: S.VerificationInProgress,
  verified: S.VerificationInProgress,
  verification_failed: S.VerificationFailed,
  reunification_planned: S.VerificationInProgress,
  reunified: S.FollowUp,
  follow_up: S.FollowUp,
  alternative_care: S.AlternativeCare,
};

/**
 * The transition table: from → the statuses a command may lead to. Self-loops are real transitions
 * (rescheduling a planned reunification, a further follow-up visit) and produce events too.
 * Anything not listed is refused (INVALID_TRANSITION, or a more specific rule; see CASE_RULES).
 */
export const CASE_TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  match_confirmed: [S.VerificationInProgress, S.AlternativeCare, S.Suspended, S.Closed, S.Superseded],
  verification_in_progress: [S.VerificationSubmitted, S.VerificationFailed, S.AlternativeCare, S.Suspended, S.Closed, S.Superseded],
  verification_submitted: [S.Verified, S.VerificationFailed, S.AlternativeCare, S.Suspended, S.Closed, S.Superseded],
  verified: [S.ReunificationPlanned, S.VerificationFailed, S.AlternativeCare, S.Suspended, S.Closed, S.Superseded],
  verification_failed: [S.VerificationInProgress, S.AlternativeCare, S.Suspended, S.Closed, S.Superseded],
  reunification_planned: [
    S.ReunificationPlanned, S.Reunified, S.VerificationFailed, S.AlternativeCare, S.Suspended, S.Closed, S.Superseded,
  ],
  reunified: [S.FollowUp, S.AlternativeCare, S.Suspended, S.Closed, S.Superseded],
  follow_up: [S.FollowUp, S.AlternativeCare, S.Suspended, S.Closed, S.Superseded],
  alternative_care: [S.VerificationInProgress, S.Suspended, S.Closed, S.Superseded],
  // resume goes back to the status held before the suspension
  suspended: [...ACTIVE_CASE_STATUSES, S.Closed, S.Superseded],
  // reopen: see REOPEN_TARGETS
  closed: [S.MatchConfirmed, S.VerificationInProgress, S.VerificationFailed, S.FollowUp, S.AlternativeCare],
  superseded: [],
};

export function isTransitionAllowed(from: CaseStatus, to: CaseStatus): boolean {
  return CASE_TRANSITIONS[from]?.includes(to) ?? false;
}

/** The transition table as a Markdown table, for documentation. */
export function caseTransitionTableMarkdown(): string {
  const rows = CASE_STATUSES.map((from) => `| \`${from}\` | ${CASE_TRANSITIONS[from].map((t) => `\`${t}\``).join(', ') || '— (terminal)'} |`);
  return ['| from | allowed to |', '|---|---|', ...rows].join('\n');
}

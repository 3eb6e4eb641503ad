/**
 * Reason and outcome codes recorded by the workflow. Codes, not free text, so that reports count them
 * and events carry no personal data; a free-text `note` goes with them, and is required for `other`.
 */

/** Why a case is closed (Primero v1 `closure_reason` plus `reunified_and_stable`). */
export const CLOSURE_REASONS = [
  'death_of_child',
  'formal_closing',
  'not_seen_during_verification',
  'repatriated',
  'transferred',
  'reunified_and_stable',
  'other',
] as const;
export type ClosureReason = (typeof CLOSURE_REASONS)[number];

/** Why a case is reopened. */
export const REOPEN_REASONS = ['new_information', 'closed_in_error', 'reunification_breakdown', 'child_found', 'other'] as const;
export type ReopenReason = (typeof REOPEN_REASONS)[number];

/** Why the child was not reunited with the verified adult (Primero v1 `not_reunited_with_verified_adult_reason`). */
export const NOT_REUNITED_REASONS = ['change_of_mind', 'death', 'death_of_adult', 'failed_verification', 'other'] as const;
export type NotReunitedReason = (typeof NOT_REUNITED_REASONS)[number];

/** Why a verification failed (or an approved one was revoked). */
export const VERIFICATION_FAILURE_REASONS = [
  'relationship_not_confirmed',
  'information_mismatch',
  'adult_unwilling',
  'adult_unable',
  'child_refuses',
  'not_in_best_interests',
  'adult_not_found',
  'child_not_seen',
  'other',
] as const;
export type VerificationFailureReason = (typeof VERIFICATION_FAILURE_REASONS)[number];

/** Why the child goes to alternative care instead of reunification. */
export const ALTERNATIVE_CARE_REASONS = [
  'not_in_best_interests',
  'family_unable_to_care',
  'family_unwilling_to_care',
  'child_does_not_wish',
  'reunification_breakdown',
  'tracing_unsuccessful',
  'other',
] as const;
export type AlternativeCareReason = (typeof ALTERNATIVE_CARE_REASONS)[number];

/** Why a case is put on hold. */
export const SUSPENSION_REASONS = [
  'security_situation',
  'child_whereabouts_unknown',
  'adult_whereabouts_unknown',
  'awaiting_authorities',
  'other',
] as const;
export type SuspensionReason = (typeof SUSPENSION_REASONS)[number];

/** What a follow-up visit found. `child_not_seen` iff the child was not seen. */
export const FOLLOW_UP_OUTCOMES = ['settled', 'needs_support', 'at_risk', 'placement_breakdown', 'child_not_seen', 'other'] as const;
export type FollowUpOutcome = (typeof FOLLOW_UP_OUTCOMES)[number];

export const MAX_NOTE_LENGTH = 2000;
export const MAX_PLACE_LENGTH = 300;

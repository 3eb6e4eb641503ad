/**
 * Safeguarding rules for match review (pure): a proposal for a child with `elevated` or `high`
 * safeguarding is held for a protection review by a supervisor of the child's agency before anyone
 * else sees it or decides on it; a restriction naming a person blocks confirming a proposal whose
 * inquirer is that person (matched by name, across spellings), unless a supervisor overrides it
 * with a recorded reason.
 */
import { Actor } from './actor';
import { Refused, RuleHttpStatus, refuse } from './rule-violation';

export type SafeguardingLevel = 'none' | 'elevated' | 'high';

export const SAFEGUARDING_RULES = {
  PROTECTION_REVIEW_PENDING: { httpStatus: 409, summary: 'a proposal for a child at safeguarding risk waits for a supervisor’s protection review' },
  PROTECTION_REVIEW_SUPERVISOR: { httpStatus: 403, summary: 'only a supervisor of the child’s agency (or an inter-agency supervisor) may release a protection review' },
  NOT_UNDER_PROTECTION_REVIEW: { httpStatus: 409, summary: 'the proposal is not waiting for a protection review' },
  RESTRICTED_INQUIRER: { httpStatus: 409, summary: 'the child’s agency recorded that the child must not be disclosed to this inquirer' },
  OVERRIDE_NOT_ALLOWED: { httpStatus: 403, summary: 'only a supervisor may override a safeguarding restriction' },
  OVERRIDE_REASON_REQUIRED: { httpStatus: 422, summary: 'overriding a safeguarding restriction needs a recorded reason' },
} as const satisfies Record<string, { httpStatus: RuleHttpStatus; summary: string }>;
export type SafeguardingRuleCode = keyof typeof SAFEGUARDING_RULES;

/** Agency of inter-agency supervisors (the coordination body), who may release any review. */
export const INTER_AGENCY = 'kinlink';

export interface ProtectionReview {
  status: 'not_required' | 'pending' | 'released';
  level: SafeguardingLevel;
  childAgencyId: string | null;
  releasedBy?: string;
  releasedAt?: string;
  note?: string;
}

export function protectionReviewFor(level: SafeguardingLevel | undefined, childAgencyId: string | null): ProtectionReview {
  const l = level ?? 'none';
  return { status: l === 'none' || childAgencyId === null ? 'not_required' : 'pending', level: l, childAgencyId };
}

/** Who may see a held proposal's details: the child's agency only, until released. */
export function isHeldFrom(review: ProtectionReview, agencyId: string): boolean {
  return review.status === 'pending' && agencyId !== review.childAgencyId && agencyId !== INTER_AGENCY;
}

export function releaseProtectionReview(
  review: ProtectionReview, actor: Actor, note: string | undefined, now: string,
): { ok: true; review: ProtectionReview } | Refused<SafeguardingRuleCode> {
  if (review.status !== 'pending') return refuse(SAFEGUARDING_RULES, 'NOT_UNDER_PROTECTION_REVIEW', 'the proposal is not waiting for a protection review');
  if (actor.role !== 'supervisor' || (actor.agencyId !== review.childAgencyId && actor.agencyId !== INTER_AGENCY)) {
    return refuse(SAFEGUARDING_RULES, 'PROTECTION_REVIEW_SUPERVISOR', `only a supervisor of agency ${review.childAgencyId} (the child’s) or an inter-agency supervisor may release this protection review`);
  }
  return { ok: true, review: { ...review, status: 'released', releasedBy: actor.id, releasedAt: now, ...(note ? { note } : {}) } };
}

/** A decision other than the release while the review is pending: only the child's agency may act (e.g. reject). */
export function checkDecisionAllowed(review: ProtectionReview, actor: Actor, decision: string): { ok: true } | Refused<SafeguardingRuleCode> {
  if (review.status !== 'pending') return { ok: true };
  const ownAgency = actor.agencyId === review.childAgencyId || actor.agencyId === INTER_AGENCY || actor.role === 'system';
  if (ownAgency && decision !== 'confirm') return { ok: true };
  return refuse(SAFEGUARDING_RULES, 'PROTECTION_REVIEW_PENDING', 'this proposal concerns a child at safeguarding risk: a supervisor of the child’s agency must review and release it first');
}

export interface NameLike {
  given?: string;
  middle?: string;
  family?: string;
  full?: string;
  original?: string;
  nicknames?: string[];
}

/**
 * Probability that two names are the same person from the names' evidence alone at even prior
 * odds (from the matching engine; injected, the domain does no I/O).
 */
export type SamePersonProbability = (restricted: NameLike, inquirer: NameLike) => number;

/**
 * ≈ 6.0 bits of name agreement. Measured with the engine (model kinlink-fs-1.1.0's weights, now the
 * separately versioned name-evidence model kinlink-names-1.0.0, so a refit of the matching model
 * does not move this): the same person spelled differently scores 7.9–11.1 bits ("Oleksandr
 * Kovalenko" ↔ "Aleksandr Kovalenko" 7.9, "Amina Hassan" ↔ "Aamina Xasan" 9.0, "Mohammed Abdi
 * Farah" ↔ "Muhamad Cabdi Faarax" 11.1), a shared given name with another family name 4.6 and a
 * given name alone against a full name 5.9 — neither blocks. (Model 1.0.0: 5.3–7.2 vs 3.4,
 * threshold 4.6 bits.) Catch and false-flag rates across agencies' renderings:
 * bench/matching/restrictions.ts.
 */
export const RESTRICTION_MATCH_THRESHOLD = 0.985;

export interface RestrictionCheckInput {
  restrictedPersons: NameLike[];
  inquirer: NameLike | null;
  actor: Actor;
  /** a supervisor may confirm despite a match, giving a reason */
  overrideReason?: string;
  samePerson: SamePersonProbability;
  threshold?: number;
}

export type RestrictionOutcome =
  | { ok: true; matched: false }
  | { ok: true; matched: true; overriddenBy: string; overrideReason: string; probability: number }
  | Refused<SafeguardingRuleCode>;

/** Confirmation check against the child's "do not disclose to" list. */
export function checkRestrictions(input: RestrictionCheckInput): RestrictionOutcome {
  if (!input.inquirer || input.restrictedPersons.length === 0) return { ok: true, matched: false };
  const threshold = input.threshold ?? RESTRICTION_MATCH_THRESHOLD;
  const probability = Math.max(...input.restrictedPersons.map((p) => input.samePerson(p, input.inquirer!)));
  if (probability < threshold) return { ok: true, matched: false };
  if (input.overrideReason === undefined) {
    return refuse(SAFEGUARDING_RULES, 'RESTRICTED_INQUIRER',
      `the inquirer matches a person the child’s agency said the child must not be disclosed to (probability ${probability.toFixed(2)}); a supervisor may override with a reason`);
  }
  if (input.actor.role !== 'supervisor') return refuse(SAFEGUARDING_RULES, 'OVERRIDE_NOT_ALLOWED', 'only a supervisor may override a safeguarding restriction');
  if (input.overrideReason.trim().length < 10) {
    return refuse(SAFEGUARDING_RULES, 'OVERRIDE_REASON_REQUIRED', 'overriding a safeguarding restriction needs a recorded reason (at least 10 characters)', ['overrideReason']);
  }
  return { ok: true, matched: true, overriddenBy: input.actor.id, overrideReason: input.overrideReason.trim(), probability };
}

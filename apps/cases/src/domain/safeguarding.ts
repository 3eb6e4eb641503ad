/**
 * Safeguarding rules for match review (pure): a proposal for a child with `elevated` or `high`
 * safeguarding is held for a protection review by a supervisor of the child's agency before anyone
 * else sees it or decides on it; a restriction naming a person blocks confirming a proposal whose
 * inquirer is that person (matched by name, across spellings), unless a supervisor overrides it
 * with a recorded reason. A child has one mother and one father: when the restricted person and the
 * inquirer claim the same one of these roles, a partial name agreement (the given name, or a variant
 * of it, under another family name) already blocks — either they are the same person, or the
 * proposal is wrong, or one of the claims is false, and a supervisor must look before the child is
 * disclosed.
 */
import { Actor } from './actor';
import { Refused, RuleHttpStatus, refuse } from './rule-violation';

export type SafeguardingLevel = 'none' | 'elevated' | 'high';

export const SAFEGUARDING_RULES = {
  PROTECTION_REVIEW_PENDING: { httpStatus: 409, summary: 'a proposal for a child at safeguarding risk waits for a supervisor’s protection review' },
  PROTECTION_REVIEW_SUPERVISOR: { httpStatus: 403, summary: 'only a supervisor of the child’s agency (or an inter-agency supervisor) may release a protection review' },
  NOT_UNDER_PROTECTION_REVIEW: { httpStatus: 409, summary: 'the proposal is not waiting for a protection review' },
  RESTRICTED_INQUIRER: { httpStatus: 409, summary: 'the child’s agency recorded that the child must not be disclosed to this inquirer' },
  // apart from RESTRICTED_INQUIRER: the names alone do not say it is the same person (namesakes are
  // refused by design), so the supervisor checks identity and the proposal, and the rate of these
  // refusals is watched on its own
  RESTRICTED_ROLE_CLAIMED: { httpStatus: 409, summary: 'the inquirer claims the child’s mother’s or father’s role, as does a person the child must not be disclosed to, and their names agree in part' },
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
 * separately versioned name-evidence model kinlink-names-1.x, so a refit of the matching model
 * does not move this; 1.1.0 only adds joined compound given names): the same person spelled differently scores 7.9–11.1 bits ("Oleksandr
 * Kovalenko" ↔ "Aleksandr Kovalenko" 7.9, "Amina Hassan" ↔ "Aamina Xasan" 9.0, "Mohammed Abdi
 * Farah" ↔ "Muhamad Cabdi Faarax" 11.1), a shared given name with another family name 4.6 and a
 * given name alone against a full name 5.9 — neither blocks. (Model 1.0.0: 5.3–7.2 vs 3.4,
 * threshold 4.6 bits.) Catch and false-flag rates across agencies' renderings:
 * bench/matching/restrictions.ts. Applies whatever roles are claimed.
 */
export const RESTRICTION_MATCH_THRESHOLD = 0.985;

/**
 * The roles a child has one of: when the restricted person and the inquirer both claim one, they
 * are the same person unless a claim or the proposal is wrong. Not grandparents (two of each),
 * guardians (several over time, customary or appointed), siblings, aunts, uncles or others. The
 * contract has no step- or foster-parent values; an agency writing a step-father as `father` makes
 * him claim the role too, which is a conflict a supervisor should see.
 */
export const UNIQUE_ROLES: ReadonlySet<string> = new Set(['mother', 'father']);

/**
 * ≈ 0.58 bits of name agreement, for a restricted person and an inquirer who claim the same unique
 * role (UNIQUE_ROLES). Blocks a shared given name under another family name (4.6 bits), a variant
 * of the given name (Najeebullah ↔ Najeebolah Idrees 2.5, Zarghone Nabee ↔ Zarghona Gulapopzay 3.3),
 * one name alone matching another part of a full name ("Mikael" ↔ "Gabramaryam Hayle Mikael" 1.4)
 * and a translated given name (Nicholas ↔ Mykola Kovalenko 1.6); lets through a
 * single shared name in another position (0.05 bits: "Yoosuf Akokabzay" ↔ "Asadollah Yusof") and
 * names that disagree. Chosen in the empty band between 0.05 and 0.75 bits of the name-evidence
 * model's levels (kinlink-names-1.0.0; the same band in 1.1.0), so every threshold in it gives the same
 * figures. With seed 7, 4,000 families (bench/matching/restrictions.ts), same role: catch 97.7 %
 * (97.75 % with 1.1.0; Afghan 97.1 %,
 * Arabic 96.0 %) vs 71.8 % by name alone; another man or woman of the same culture claiming the
 * same role is flagged 6.5 %, a namesake 87.6 % — each a conflicting claim to see (at 0.05 bits:
 * catch 98.6 %, 9.4 % and 96.0 %).
 */
export const SAME_ROLE_MATCH_THRESHOLD = 0.6;

/** A person the child must not be disclosed to; `relation` to the child as the child's agency recorded it. */
export interface RestrictedPerson {
  name: NameLike;
  relation?: string;
}

/** A tracing request's inquirer; `relation` to the sought child as the inquirer stated it. */
export interface RestrictionInquirer {
  name: NameLike;
  relation?: string;
}

export interface RestrictionCheckInput {
  restrictedPersons: RestrictedPerson[];
  inquirer: RestrictionInquirer | null;
  actor: Actor;
  /** a supervisor may confirm despite a match, giving a reason */
  overrideReason?: string;
  samePerson: SamePersonProbability;
  /** names alone, any roles (default RESTRICTION_MATCH_THRESHOLD) */
  threshold?: number;
  /** the same unique role claimed by both (default SAME_ROLE_MATCH_THRESHOLD) */
  sameRoleThreshold?: number;
}

export type RestrictionOutcome =
  | { ok: true; matched: false }
  | { ok: true; matched: true; overriddenBy: string; overrideReason: string; probability: number; code: RestrictionCode }
  | Refused<SafeguardingRuleCode>;

export type RestrictionCode = 'RESTRICTED_INQUIRER' | 'RESTRICTED_ROLE_CLAIMED';

/** Both claim the same role, one a child has only one of. */
export function claimSameUniqueRole(restricted: string | undefined, inquirer: string | undefined): boolean {
  return restricted !== undefined && restricted === inquirer && UNIQUE_ROLES.has(restricted);
}

/**
 * Confirmation check against the child's "do not disclose to" list: the names alone, or a partial
 * name agreement when both claim the same unique role. Unknown relations (older records) weigh the
 * names alone.
 */
export function checkRestrictions(input: RestrictionCheckInput): RestrictionOutcome {
  const inquirer = input.inquirer;
  if (!inquirer || input.restrictedPersons.length === 0) return { ok: true, matched: false };
  const threshold = input.threshold ?? RESTRICTION_MATCH_THRESHOLD;
  const sameRoleThreshold = input.sameRoleThreshold ?? SAME_ROLE_MATCH_THRESHOLD;
  let byName: number | undefined;
  let byRole: { probability: number; role: string } | undefined;
  for (const person of input.restrictedPersons) {
    const probability = input.samePerson(person.name, inquirer.name);
    if (probability >= threshold) byName = Math.max(byName ?? 0, probability);
    else if (probability >= sameRoleThreshold && claimSameUniqueRole(person.relation, inquirer.relation) && probability > (byRole?.probability ?? -1)) {
      byRole = { probability, role: person.relation! };
    }
  }
  if (byName === undefined && byRole === undefined) return { ok: true, matched: false };
  const code: RestrictionCode = byName !== undefined ? 'RESTRICTED_INQUIRER' : 'RESTRICTED_ROLE_CLAIMED';
  const probability = byName ?? byRole!.probability;
  if (input.overrideReason === undefined) {
    return byName !== undefined
      ? refuse(SAFEGUARDING_RULES, code,
        `the inquirer matches a person the child’s agency said the child must not be disclosed to (probability ${probability.toFixed(2)}); a supervisor may override with a reason`)
      : refuse(SAFEGUARDING_RULES, code,
        `the inquirer claims to be the child’s ${byRole!.role}, as does a person the child’s agency said the child must not be disclosed to, and the names agree in part (probability ${probability.toFixed(2)} from the names alone): the same person, a wrong proposal or a false claim; a supervisor may override with a reason`);
  }
  if (input.actor.role !== 'supervisor') return refuse(SAFEGUARDING_RULES, 'OVERRIDE_NOT_ALLOWED', 'only a supervisor may override a safeguarding restriction');
  if (input.overrideReason.trim().length < 10) {
    return refuse(SAFEGUARDING_RULES, 'OVERRIDE_REASON_REQUIRED', 'overriding a safeguarding restriction needs a recorded reason (at least 10 characters)', ['overrideReason']);
  }
  return { ok: true, matched: true, overriddenBy: input.actor.id, overrideReason: input.overrideReason.trim(), probability, code };
}

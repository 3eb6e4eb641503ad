/**
 * The verification checklist (UASC verification form, Primero v1 `verification_subform_section`):
 * what must be true before a child goes to an adult. `verified` needs every item true, the child
 * wanting to go or assenting, and — when a recommendation is given — one that supports reunification.
 */
export const CHILD_WISHES = ['wants', 'assents', 'refuses'] as const;
export type ChildWishes = (typeof CHILD_WISHES)[number];
export const CHILD_WISHES_ALLOWING_REUNIFICATION: readonly ChildWishes[] = ['wants', 'assents'];

/** `verification_inquierer_recommendation` in the Primero v1 form. */
export const VERIFICATION_RECOMMENDATIONS = [
  'yes',
  'no',
  'further_tracing',
  'long_term_alternative_care',
  'reunification',
  'reunification_enhanced_support',
] as const;
export type VerificationRecommendation = (typeof VERIFICATION_RECOMMENDATIONS)[number];
export const RECOMMENDATIONS_SUPPORTING_REUNIFICATION: readonly VerificationRecommendation[] = [
  'yes',
  'reunification',
  'reunification_enhanced_support',
];

export interface VerificationChecklist {
  /** the adult wants to care for the child */
  adultWantsToCare: boolean;
  /** the adult is able to care for the child */
  adultAbleToCare: boolean;
  /** the child knows the adult */
  childKnowsAdult: boolean;
  /** the child wants to go, assents, or refuses */
  childWishes: ChildWishes;
  /** the information given by the child and by the adult agrees */
  informationMatches: boolean;
  /** a best-interests assessment has been recorded */
  bestInterestsAssessmentRecorded: boolean;
  recommendation?: VerificationRecommendation;
  notes?: string;
}

export const CHECKLIST_BOOLEAN_ITEMS = [
  'adultWantsToCare',
  'adultAbleToCare',
  'childKnowsAdult',
  'informationMatches',
  'bestInterestsAssessmentRecorded',
] as const;
export type ChecklistBooleanItem = (typeof CHECKLIST_BOOLEAN_ITEMS)[number];

/** Plain-language labels, for messages and documentation. */
export const CHECKLIST_ITEM_LABELS: Readonly<Record<ChecklistBooleanItem | 'childWishes' | 'recommendation', string>> = {
  adultWantsToCare: 'the adult wants to care for the child',
  adultAbleToCare: 'the adult is able to care for the child',
  childKnowsAdult: 'the child knows the adult',
  childWishes: 'the child wants to go or assents',
  informationMatches: "the child's and the adult's information agree",
  bestInterestsAssessmentRecorded: 'a best-interests assessment is recorded',
  recommendation: 'the recommendation supports reunification',
};

export const MAX_CHECKLIST_NOTES = 4000;

export type ChecklistProblemKind = 'missing' | 'not_true' | 'not_willing' | 'invalid' | 'not_supporting';
export interface ChecklistProblem {
  item: keyof VerificationChecklist;
  kind: ChecklistProblemKind;
  detail: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Type problems only (used for a partial checklist recorded with a failed verification). */
function shapeProblems(c: Record<string, unknown>, requireAll: boolean): ChecklistProblem[] {
  const problems: ChecklistProblem[] = [];
  for (const item of CHECKLIST_BOOLEAN_ITEMS) {
    const v = c[item];
    if (v === undefined || v === null) {
      if (requireAll) problems.push({ item, kind: 'missing', detail: `${item} is missing (${CHECKLIST_ITEM_LABELS[item]})` });
    } else if (typeof v !== 'boolean') {
      problems.push({ item, kind: 'invalid', detail: `${item} must be true or false` });
    }
  }
  const wishes = c.childWishes;
  if (wishes === undefined || wishes === null) {
    if (requireAll) problems.push({ item: 'childWishes', kind: 'missing', detail: "childWishes is missing (one of 'wants', 'assents', 'refuses')" });
  } else if (!(CHILD_WISHES as readonly unknown[]).includes(wishes)) {
    problems.push({ item: 'childWishes', kind: 'invalid', detail: "childWishes must be one of 'wants', 'assents', 'refuses'" });
  }
  const rec = c.recommendation;
  if (rec !== undefined && rec !== null && !(VERIFICATION_RECOMMENDATIONS as readonly unknown[]).includes(rec)) {
    problems.push({ item: 'recommendation', kind: 'invalid', detail: `recommendation must be one of ${VERIFICATION_RECOMMENDATIONS.join(', ')}` });
  }
  const notes = c.notes;
  if (notes !== undefined && notes !== null && (typeof notes !== 'string' || notes.length > MAX_CHECKLIST_NOTES)) {
    problems.push({ item: 'notes', kind: 'invalid', detail: `notes must be text of at most ${MAX_CHECKLIST_NOTES} characters` });
  }
  return problems;
}

/**
 * Everything that keeps this checklist from supporting `verified`; empty when it passes.
 * Accepts unvalidated input (a command read from a topic).
 */
export function checklistProblems(checklist: unknown): ChecklistProblem[] {
  if (!isObject(checklist)) {
    return [{ item: 'adultWantsToCare', kind: 'missing', detail: 'the verification checklist is missing' }];
  }
  const problems = shapeProblems(checklist, true);
  for (const item of CHECKLIST_BOOLEAN_ITEMS) {
    if (checklist[item] === false) problems.push({ item, kind: 'not_true', detail: `${item} is false (${CHECKLIST_ITEM_LABELS[item]})` });
  }
  if (checklist.childWishes === 'refuses') {
    problems.push({ item: 'childWishes', kind: 'not_willing', detail: "childWishes is 'refuses' (must be 'wants' or 'assents')" });
  }
  const rec = checklist.recommendation;
  if (typeof rec === 'string' && (VERIFICATION_RECOMMENDATIONS as readonly string[]).includes(rec)
    && !(RECOMMENDATIONS_SUPPORTING_REUNIFICATION as readonly string[]).includes(rec)) {
    problems.push({ item: 'recommendation', kind: 'not_supporting', detail: `recommendation '${rec}' does not support reunification` });
  }
  return problems;
}

/** Type problems of a partial checklist (findings recorded with a failed verification). */
export function partialChecklistProblems(checklist: unknown): ChecklistProblem[] {
  if (!isObject(checklist)) return [{ item: 'notes', kind: 'invalid', detail: 'checklist must be an object' }];
  return shapeProblems(checklist, false);
}

/** A copy holding only the checklist's own fields (nothing else a client sent is stored). */
export function pickChecklist(c: Record<string, unknown>): Partial<VerificationChecklist> {
  const out: Record<string, unknown> = {};
  for (const key of [...CHECKLIST_BOOLEAN_ITEMS, 'childWishes', 'recommendation', 'notes'] as const) {
    if (c[key] !== undefined && c[key] !== null) out[key] = c[key];
  }
  return out as Partial<VerificationChecklist>;
}

/**
 * Review-queue priority (docs/events.md, "Safeguarding"): the children most at risk are reviewed
 * first. The score orders, in this order of precedence (each criterion outweighs all later ones
 * together, so the order is lexicographic over the three flags, then the two continuous terms):
 *
 *   1. safeguarding level: high (+2000) > elevated (+1000) > none (0)
 *   2. age: a child under 5 (+400)
 *   3. specific needs: any recorded (+200)
 *   4. time since separation: longer first, +0..100 (linear, capped at 365 days)
 *   5. match probability: +0..50
 *
 * Ties (equal score) are broken by the older proposal first. The reasons say which criteria raised
 * the score, as stable codes: `safeguarding_high`, `safeguarding_elevated`, `under_5`,
 * `specific_needs:<code>…`, `separated_<n>_days`, `probability_<p>`.
 */
export interface PriorityInput {
  safeguardingLevel?: 'none' | 'elevated' | 'high' | null;
  /** the child's age in (fractional) years; null when the records say nothing */
  ageYears?: number | null;
  specificNeeds?: readonly string[] | null;
  /** the separation date ('YYYY', 'YYYY-MM', 'YYYY-MM-DD'); null when not recorded */
  separationDate?: string | null;
  probability: number;
}

export interface Priority {
  score: number;
  reasons: string[];
}

export const PRIORITY_WEIGHTS = { high: 2000, elevated: 1000, under5: 400, specificNeeds: 200, separationMax: 100, separationCapDays: 365, probabilityMax: 50 } as const;

const DAY = 86_400_000;

/** Days from a partial date (a missing month or day counts as the middle) to `now`; null if malformed. */
export function daysSince(partialDate: string | null | undefined, now: Date): number | null {
  if (!partialDate || !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(partialDate)) return null;
  const [y, mo, d] = partialDate.split('-').map(Number);
  const at = Date.UTC(y, mo ? mo - 1 : 6, d ?? (mo ? 15 : 1));
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.floor((now.getTime() - at) / DAY));
}

export function reviewPriority(input: PriorityInput, now: Date = new Date()): Priority {
  const W = PRIORITY_WEIGHTS;
  let score = 0;
  const reasons: string[] = [];
  if (input.safeguardingLevel === 'high') { score += W.high; reasons.push('safeguarding_high'); }
  else if (input.safeguardingLevel === 'elevated') { score += W.elevated; reasons.push('safeguarding_elevated'); }
  if (typeof input.ageYears === 'number' && input.ageYears >= 0 && input.ageYears < 5) { score += W.under5; reasons.push('under_5'); }
  const needs = [...new Set(input.specificNeeds ?? [])].sort();
  if (needs.length) { score += W.specificNeeds; reasons.push(`specific_needs:${needs.join(',')}`); }
  const days = daysSince(input.separationDate, now);
  if (days !== null) {
    score += (Math.min(days, W.separationCapDays) / W.separationCapDays) * W.separationMax;
    reasons.push(`separated_${days}_days`);
  }
  const p = Math.min(Math.max(input.probability || 0, 0), 1);
  score += p * W.probabilityMax;
  reasons.push(`probability_${p.toFixed(2)}`);
  return { score: Math.round(score * 100) / 100, reasons };
}

/** Highest priority first; equal scores: the older proposal first, then by id. */
export function byPriority<T extends { priority: Priority; createdAt: Date | string; id: string }>(a: T, b: T): number {
  return b.priority.score - a.priority.score
    || new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime()
    || a.id.localeCompare(b.id);
}

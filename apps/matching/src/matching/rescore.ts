/**
 * Re-scoring open proposals when a look-alike arrives or leaves (pure rules; the use case applies them).
 *
 * The engine's probability is one-to-one: a record is one child, so look-alikes share the evidence
 * (docs/matching.md "Competing candidates"). A proposal's probability therefore goes stale when a
 * record that competes for one of its two records is stored later, or leaves.
 */

/**
 * A change is material at half a bit of log2 odds (odds × 1.41, e.g. 0.80 → 0.73, 0.50 → 0.41):
 * smaller moves would churn the review queue and the audit log for no change of a coordinator's order
 * of work. Near 0 and 1 a half bit is a tiny probability change (0.999 → 0.9986), which no
 * coordinator acts on: the probability must also move by RESCORE_MIN_PROBABILITY.
 */
export const RESCORE_MIN_BITS = 0.5;
export const RESCORE_MIN_PROBABILITY = 0.02;
/**
 * At most this many open proposals are re-scored per incoming record (strongest touched records
 * first): each costs one engine scoring of the pair's side (≈ 0.7 of a match of that record), so the added latency
 * per record stays bounded however crowded the look-alikes are.
 */
export const MAX_RESCORED_PER_RECORD = 8;
/**
 * The records a newcomer touches: its candidates it is at least RIVAL_MIN_ALONE likely to be the
 * same child as, scored alone (before competing). A rival of odds r alone multiplies a pair's odds by
 * (n + a + R) / (n + a + R + r) ≥ 1 / (1 + r) (n: the odds of "no partner stored", 1 or 1 − the base
 * rate since kinlink-fs-1.6.0; a: the pair's own odds, ≈ 1 or more for a proposal; R: the pair's other
 * rivals), so it moves the pair by at most log2(1 + r) bits: half a bit needs r ≥ 0.41; the floor is half that (odds 0.2, P 1/6) because the
 * pair may be scored from the other record, whose prior is taken at the other side's population.
 * Weaker candidates cannot move a pair materially and are not looked at (they would cost an engine
 * scoring each: the crowd of look-alikes is where scoring is dearest).
 */
export const RIVAL_MIN_ALONE = 1 / 6;
/** the match of a newcomer returns candidates down to this probability after competing (a candidate at RIVAL_MIN_ALONE alone, shared with a strong pair) */
export const RIVAL_FLOOR = 0.005;
/** most candidates of a newcomer looked at for open proposals (one indexed query for all of them) */
export const MAX_TOUCHED = 50;

const logit2 = (p: number) => {
  const q = Math.min(1 - 1e-15, Math.max(1e-15, p));
  return Math.log2(q / (1 - q));
};

/** Whether a proposal's probability moved enough to tell the coordinators: see RESCORE_MIN_BITS; crossing the proposal threshold always counts. */
export function materialChange(previous: number, next: number, threshold: number): boolean {
  if ((previous >= threshold) !== (next >= threshold)) return true;
  return Math.abs(logit2(next) - logit2(previous)) >= RESCORE_MIN_BITS && Math.abs(next - previous) >= RESCORE_MIN_PROBABILITY;
}

export interface OpenProposalRow {
  id: string;
  pair_key: string;
  kind: string;
  left_id: string;
  right_id: string;
  probability: number;
  fingerprint: string;
  /** the record the proposal's probability was computed from (null: before this was kept) */
  scored_from: string | null;
}

export interface RescoreTarget {
  row: OpenProposalRow;
  /** the record to score the pair from, and the other one */
  queryId: string;
  otherId: string;
  /** the record whose arrival or departure touched the pair */
  causedBy: string;
  reason: RescoreReason;
}

export type RescoreReason = 'rival_arrived' | 'rival_left';
/** a record a change touched: how strongly (rank 0 = strongest), by which record, arriving or leaving */
export interface TouchedBy { rank: number; causedBy: string; causeSide: 'child' | 'sought'; reason: RescoreReason }

/**
 * Which open proposals to re-score, in order, at most `cap`: those of the most strongly touched
 * records first (`touched`: record id → [rank, cause], rank 0 = strongest), each once; only where the
 * cause is a rival (on the side of the pair's other record: the one-to-one stage lets only records of
 * one side compete for a record), never a possible-sibling proposal (the siblings hypothesis has no
 * one-to-one stage: rivals do not move it), never a proposal of a record in `exclude` (the newcomer's
 * own pairs were just scored, a leaving record's were withdrawn). The pair is scored from the record it was scored from; for a proposal made before
 * that was kept, from its record on the other side than the cause (the cause then competes among that
 * record's candidates directly), else from the touched record.
 */
export function pickForRescore(
  rows: OpenProposalRow[], touched: Map<string, TouchedBy>, exclude: Set<string>, cap: number,
): RescoreTarget[] {
  const seen = new Set<string>();
  const out: Array<RescoreTarget & { rank: number }> = [];
  for (const row of rows) {
    if (seen.has(row.id) || exclude.has(row.left_id) || exclude.has(row.right_id) || row.kind === 'possible-sibling') continue;
    // a record competes for C with C's partner X only from X's side: a sought child arriving is no rival
    // of a duplicate registration, nor a child of the same child sought by two requests
    const rival = (touchedId: string, otherId: string) => { const t = touched.get(touchedId); return t && t.causeSide === sideOfCandidateId(otherId) ? t : undefined; };
    const l = rival(row.left_id, row.right_id), r = rival(row.right_id, row.left_id);
    const via = !r || (l && l.rank <= r.rank) ? { id: row.left_id, t: l! } : { id: row.right_id, t: r };
    if (!via.t) continue;
    seen.add(row.id);
    let queryId: string;
    if (row.scored_from === row.left_id || row.scored_from === row.right_id) queryId = row.scored_from;
    else {
      const opposite = [row.left_id, row.right_id].find((id) => sideOfCandidateId(id) !== via.t.causeSide);
      queryId = opposite ?? via.id;
    }
    out.push({ row, queryId, otherId: queryId === row.left_id ? row.right_id : row.left_id, causedBy: via.t.causedBy, reason: via.t.reason, rank: via.t.rank });
  }
  out.sort((a, b) => a.rank - b.rank || b.row.probability - a.row.probability || (a.row.id < b.row.id ? -1 : 1));
  return out.slice(0, cap).map(({ rank: _rank, ...t }) => t); // eslint-disable-line @typescript-eslint/no-unused-vars
}

/** A candidate's side from its id: a sought child's is `<tracingRequestId>#<ref>` (match-records.ts soughtId), a child's its uuid. */
export function sideOfCandidateId(id: string): 'child' | 'sought' {
  return id.includes('#') ? 'sought' : 'child';
}

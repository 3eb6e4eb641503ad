/**
 * What re-scoring open proposals costs and buys, engine-level, in arrival order:
 *   node -r @swc-node/register bench/matching/rescore.ts [--per-side 10000] [--seed 7] [--out FILE]
 *
 * A seeded population (bench/matching/generator.ts) arrives record by record, shuffled. Each record is
 * stored and matched as the matching service does, twice on the same index, in alternating order:
 *   before — `match(record, { limit: 10 })` (the service until now);
 *   after  — one `match` down to RIVAL_FLOOR (explained at the threshold only), then the open proposals
 *            of the records it touched re-scored with `scorePair` (rescore.ts rules: materiality, cap).
 * The proposals (pairs at the threshold, kept in memory as the proposal table would) are made alike;
 * only the re-score updates their probability. Reports the added engine time per record, how many
 * proposals were re-scored and how, and — with the generator's truth — whether the re-scored
 * probabilities say better than the stale ones (Brier score, proposals still at the threshold).
 * Not timed: the service's indexed SELECT of open proposals, sealing and UPDATE (one statement each).
 */
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { MatchingEngine } from '../../libs/matching-engine/src/engine';
import { materialChange, MAX_RESCORED_PER_RECORD, MAX_TOUCHED, OpenProposalRow, pickForRescore, RIVAL_FLOOR, RIVAL_MIN_ALONE, TouchedBy } from '../../apps/matching/src/matching/rescore';
import { generatePopulation } from './generator';
import { Rng } from './rng';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt; };
const perSide = Number(arg('--per-side', '10000'));
const seed = Number(arg('--seed', '7'));
const out = arg('--out', '/tmp/rescore-bench.json');
const MAX_PROPOSALS = 10;

const pop = generatePopulation(seed, perSide);
const rng = new Rng(seed);
const order = [...pop.records];
for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rng.next() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }

interface Proposal extends OpenProposalRow { first: number; truth: boolean; rescores: number }
const proposals = new Map<string, Proposal>();
const byRecord = new Map<string, Set<Proposal>>();
const isSame = (a: string, b: string) => { const x = pop.truth.get(a), y = pop.truth.get(b); return !!x && !!y && x.person === y.person; };
const e = new MatchingEngine();
const threshold = e.threshold;
const before: number[] = [], after: number[] = [];
let events = 0, scored = 0, capped = 0, warm = 0, matchMs = 0, rescoreMs = 0;
const t0 = performance.now();
for (let i = 0; i < order.length; i++) {
  const rec = order[i];
  e.upsert(rec);
  const oldFirst = i % 2 === 0;
  const runOld = () => { const s = performance.now(); e.match(rec, { limit: MAX_PROPOSALS }); return performance.now() - s; };
  let candidates: ReturnType<MatchingEngine['match']> = [];
  const runNew = () => {
    const s = performance.now();
    const found = e.match(rec, { minProbability: Math.min(threshold, RIVAL_FLOOR), limit: Math.max(MAX_PROPOSALS, MAX_TOUCHED), explainMin: threshold });
    candidates = found.filter((c) => c.probability >= threshold).slice(0, MAX_PROPOSALS);
    const m = performance.now();
    matchMs += m - s;
    const touched = new Map<string, TouchedBy>();
    found.filter((c) => (c.probabilities?.sameChildAlone ?? 0) >= RIVAL_MIN_ALONE).forEach((c, rank) => { if (!touched.has(c.otherId)) touched.set(c.otherId, { rank, causedBy: rec.id, causeSide: rec.side, reason: 'rival_arrived' }); });
    const rows = [...new Set([...touched.keys()].flatMap((id) => [...(byRecord.get(id) ?? [])]))];
    const picked = pickForRescore(rows, touched, new Set([rec.id]), MAX_RESCORED_PER_RECORD);
    if (rows.length > MAX_RESCORED_PER_RECORD) capped++;
    for (const t of picked) {
      scored++;
      const now = e.scorePair(t.queryId, t.otherId, { sibling: t.row.kind === 'possible-sibling' });
      if (!now || !materialChange(t.row.probability, now.probability, threshold)) continue;
      const p = t.row as Proposal;
      p.probability = now.probability; p.scored_from = t.queryId; p.rescores++;
      events++;
    }
    rescoreMs += performance.now() - m;
    return performance.now() - s;
  };
  let a: number, b: number;
  if (oldFirst) { a = runOld(); b = runNew(); } else { b = runNew(); a = runOld(); }
  // the first tenth warms up the JIT and the index: not in the figures
  if (i >= order.length / 10) { before.push(a); after.push(b); } else warm++;
  for (const c of candidates) {
    const [l, r] = rec.side === 'child' || c.kind !== 'child-sought' ? [rec.id, c.otherId].sort() : [c.otherId, rec.id];
    const key = `${c.kind}:${l}|${r}`;
    if (proposals.has(key)) continue;
    const p: Proposal = { id: key, pair_key: key, kind: c.kind, left_id: l, right_id: r, probability: c.probability, fingerprint: '', scored_from: rec.id, first: c.probability, truth: c.kind !== 'possible-sibling' && isSame(l, r), rescores: 0 };
    proposals.set(key, p);
    for (const id of [l, r]) { let s = byRecord.get(id); if (!s) byRecord.set(id, (s = new Set())); s.add(p); }
  }
}
const wallS = (performance.now() - t0) / 1000;

const q = (xs: number[], p: number) => { const s = [...xs].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / Math.max(1, xs.length);
const added = before.map((x, i) => after[i] - x);
const same = [...proposals.values()].filter((p) => p.kind !== 'possible-sibling');
const brier = (f: (p: Proposal) => number) => mean(same.map((p) => (f(p) - (p.truth ? 1 : 0)) ** 2));
const atThreshold = (f: (p: Proposal) => number) => { const xs = same.filter((p) => f(p) >= threshold); return { proposals: xs.length, correct: xs.filter((p) => p.truth).length }; };
const rescored = same.filter((p) => p.rescores > 0);
const result = {
  perSide, seed, records: order.length, timedRecords: before.length, wallS: Number(wallS.toFixed(1)),
  model: e.modelVersion, threshold, cap: MAX_RESCORED_PER_RECORD, rivalFloor: RIVAL_FLOOR, rivalMinAlone: RIVAL_MIN_ALONE, maxTouched: MAX_TOUCHED,
  msPerRecord: {
    before: { mean: mean(before), p50: q(before, 0.5), p95: q(before, 0.95), p99: q(before, 0.99) },
    after: { mean: mean(after), p50: q(after, 0.5), p95: q(after, 0.95), p99: q(after, 0.99) },
    added: { mean: mean(added), p50: q(added, 0.5), p95: q(added, 0.95), p99: q(added, 0.99) },
  },
  msTotal: { matchAfter: Math.round(matchMs), rescore: Math.round(rescoreMs), matchBefore: Math.round(before.reduce((x, y) => x + y, 0)) },
  pairsScoredPerRecord: scored / order.length, rescoredEvents: events, recordsOverCap: capped,
  proposals: proposals.size, sameChildProposals: same.length,
  rescoredProposals: { total: rescored.length, correct: rescored.filter((p) => p.truth).length,
    loweredWrong: rescored.filter((p) => !p.truth && p.probability < p.first).length, loweredCorrect: rescored.filter((p) => p.truth && p.probability < p.first).length,
    raisedWrong: rescored.filter((p) => !p.truth && p.probability > p.first).length, raisedCorrect: rescored.filter((p) => p.truth && p.probability > p.first).length },
  brier: { stale: brier((p) => p.first), rescored: brier((p) => p.probability) },
  atThreshold: { stale: atThreshold((p) => p.first), rescored: atThreshold((p) => p.probability) },
};
fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));

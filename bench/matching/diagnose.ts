/**
 * Blocking diagnostics on a generated population: which key types find the
 * true pairs, how big their blocks are, and where true partners rank among
 * the candidates.   node -r @swc-node/register bench/matching/diagnose.ts [size] [seed]
 * DIAG_SAMPLE=k: only every k-th person's pairs (a quick look at 100k).
 * DIAG_CUT_WEIGHTS=a,b,c,d: the cut's parent agree/disagree and origin agree/disagree adjustments (0,0,0,0 = before they existed).
 * DIAG_CUT_EVIDENCE=1: the pairs cut below the candidates scored alone (probability, field levels).
 * DIAG_REPEAT_FAMILY=w: weight of a record's repeated votes from one key family (1 = every vote in full, as before).
 * DIAG_NO_SKELETON_KEYS=1 / DIAG_NO_FATHER_BAND_KEYS=1: without the ND / FY keys (as before 2026-12-08).
 */
import { MatchingEngine } from '../../libs/matching-engine/src/engine';
import { FIELDS } from '../../libs/matching-engine/src/model';
import { generatePopulation } from './generator';

const size = Number(process.argv[2] ?? 10000);
const seed = Number(process.argv[3] ?? 7);
const pop = generatePopulation(seed, size);
const e = new MatchingEngine({
  maxCandidates: process.env.DIAG_MAX_CANDIDATES ? Number(process.env.DIAG_MAX_CANDIDATES) : undefined,
  blockCap: process.env.DIAG_BLOCK_CAP ? Number(process.env.DIAG_BLOCK_CAP) : undefined,
  postingBudget: process.env.DIAG_POSTING_BUDGET ? Number(process.env.DIAG_POSTING_BUDGET) : undefined,
  fatherNameKeys: process.env.DIAG_NO_FATHER_KEYS ? false : undefined,
  skeletonKeys: process.env.DIAG_NO_SKELETON_KEYS ? false : undefined,
  fatherBandKeys: process.env.DIAG_NO_FATHER_BAND_KEYS ? false : undefined,
  repeatFamilyVote: process.env.DIAG_REPEAT_FAMILY ? Number(process.env.DIAG_REPEAT_FAMILY) : undefined,
});
if (process.env.DIAG_CUT_WEIGHTS) {
  const [parentAgrees, parentDisagrees, originAgrees, originDisagrees] = process.env.DIAG_CUT_WEIGHTS.split(',').map(Number);
  e.cutEvidence = { parentAgrees, parentDisagrees, originAgrees, originDisagrees };
}
for (const r of pop.records) e.upsert(r);
const byPerson = new Map<number, string[]>();
for (const r of pop.records) {
  const p = pop.truth.get(r.id)!.person;
  byPerson.set(p, [...(byPerson.get(p) ?? []), r.id]);
}
const byId = new Map(pop.records.map((r) => [r.id, r]));
const typeHits = new Map<string, number>();
const onlyType = new Map<string, number>();
const ranks: number[] = [];
let pairs = 0, none = 0, outOfBudget = 0;
const cutProbabilities: number[] = [];
const cutLevels = new Map<string, number>();
const every = Number(process.env.DIAG_SAMPLE ?? 1);
for (const [person, ids] of byPerson) {
  if (person % every !== 0) continue;
  for (const a of ids) for (const b of ids) {
    if (a === b) continue;
    const A = byId.get(a)!;
    const d = e.blockingDebug(A, b);
    pairs++;
    const types = new Set(d.shared.filter(([, n]) => n <= 2500).map(([k]) => k.slice(0, 2)));
    for (const t of types) typeHits.set(t, (typeHits.get(t) ?? 0) + 1);
    if (types.size === 1) { const t = [...types][0]; onlyType.set(t, (onlyType.get(t) ?? 0) + 1); }
    if (d.shared.length === 0) none++;
    if (d.rank < 0 && d.shared.length > 0) {
      outOfBudget++;
      if (process.env.DIAG_CUT_EVIDENCE) {
        // what the cut pair would carry if it were scored: its probability alone and its field levels
        const B = byId.get(b)!;
        const x = e.explainPair(A, B);
        cutProbabilities.push(x.probabilities?.sameChild ?? x.probability);
        const lv = e.compareRecords(A, B).levels;
        for (const f of ['mother', 'father', 'origin', 'birth', 'separation.place']) {
          const i = FIELDS.findIndex((y) => y.name === f);
          const level = lv[i] < 0 ? 'missing' : FIELDS[i].levels[lv[i]];
          const k = `${f}=${level}`;
          cutLevels.set(k, (cutLevels.get(k) ?? 0) + 1);
        }
      }
      if (process.env.DIAG_SHOW && outOfBudget <= Number(process.env.DIAG_SHOW)) {
        const B = byId.get(b)!;
        console.log('CUT', JSON.stringify(A.name), A.sex, A.dateOfBirth ?? A.estimatedAgeYears, '|', JSON.stringify(B.name), B.sex, B.dateOfBirth ?? B.estimatedAgeYears, JSON.stringify(d.shared));
      }
    }
    if (d.rank >= 0) ranks.push(d.rank);
    if (d.shared.length === 0 && none <= 8) console.log('NO KEY', JSON.stringify(A.name), '|', JSON.stringify(byId.get(b)!.name), A.dateOfBirth ?? A.estimatedAgeYears, byId.get(b)!.dateOfBirth ?? byId.get(b)!.estimatedAgeYears);
  }
}
ranks.sort((x, y) => x - y);
const q = (p: number) => ranks[Math.floor(p * (ranks.length - 1))];
console.log(JSON.stringify({ pairs, noSharedKey: none, sharedButNotInBudget: outOfBudget, found: ranks.length, reachScoring: +(ranks.length / pairs).toFixed(4) }));
console.log('rank quantiles 50/90/99/99.9/max', q(0.5), q(0.9), q(0.99), q(0.999), ranks[ranks.length - 1]);
console.log("hits", JSON.stringify(Object.fromEntries(typeHits)));
console.log('pairs hit by a single key type only', Object.fromEntries(onlyType));
console.log(e.stats());
if (process.env.DIAG_CUT_EVIDENCE) {
  // DIAG_CUT_EVIDENCE=1: pairs cut below the candidates, scored alone — would they reach a threshold, and on what evidence?
  const at = (t: number) => cutProbabilities.filter((p) => p >= t).length;
  console.log(`cut pairs scored alone: ${cutProbabilities.length}; P(same child) >= 0.5: ${at(0.5)}, >= 0.1: ${at(0.1)}, >= 0.01: ${at(0.01)}`);
  console.log('cut pairs by field level', Object.fromEntries([...cutLevels].sort()));
}

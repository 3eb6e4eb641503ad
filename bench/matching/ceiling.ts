/**
 * How far the targets can be reached with the evidence the comparators extract: a bound, not a
 * benchmark of the engine.
 *
 *   node -r @swc-node/register bench/matching/ceiling.ts [perSide 10000] [every 1] [seed 7]
 *
 * For every child q of the generated population (every `every`-th) that has a true partner among
 * the sought children, every sought child x the engine scores for q gets its evidence vector: the
 * explanation's weight per field (name, date of birth, parents, places, …; not the prior, which is
 * the same for every x, nor the one-to-one stage). x *dominates* q's true partner p when x's
 * evidence is at least p's on every field: then no scorer that is monotone in each field's evidence
 * can rank p above x, nor propose (q, p) without proposing (q, x). Hence:
 *  - top-5: a partner dominated by five or more other records cannot be in the top 5 of any such
 *    ranking;
 *  - precision at a recall: to propose k true pairs, at least the dominators of the k cheapest
 *    partners are proposed too (per child, including its j-th partner forces the dominators of
 *    the j cheapest: the increments are summed, a relaxation, so the figure is a lower bound on the
 *    false proposals and an upper bound on precision).
 * A scorer that also uses the one-to-one constraint (as the engine does) can discount a dominator
 * that is another child's partner; it cannot discount a *free* one — a sought child with no
 * registered child at all — so the bound is given for all dominators and for free ones only.
 * Partners the engine never scores (the candidate cut) are counted as dominated by nobody (the
 * bound stays optimistic). Only child → sought pairs (the main kind), one direction, so no pair is
 * counted twice.
 */
import { MatchingEngine } from '../../libs/matching-engine/src/engine';
import { MatchRecord } from '../../libs/matching-engine/src/types';
import { generatePopulation } from './generator';

const perSide = Number(process.argv[2] ?? 10000);
const every = Number(process.argv[3] ?? 1);
const seed = Number(process.argv[4] ?? 7);
const t0 = Date.now();
const pop = generatePopulation(seed, perSide);
const engine = new MatchingEngine();
for (const r of pop.records) engine.upsert(r);
const byId = new Map(pop.records.map((r) => [r.id, r]));
const byPerson = new Map<number, MatchRecord[]>();
for (const r of pop.records) {
  const p = pop.truth.get(r.id)!.person;
  byPerson.set(p, [...(byPerson.get(p) ?? []), r]);
}
const allowed = (a: MatchRecord, b: MatchRecord) => a.agencyId === b.agencyId || (a.consentForTracing && b.consentForTracing);
/** a sought child with no registered child of the same person: nobody else's partner */
const free = (x: string) => !(byPerson.get(pop.truth.get(x)!.person) ?? []).some((r) => r.side === 'child');
const NOT_EVIDENCE = (field: string) => field === 'prior' || field === 'competing-candidates' || field.startsWith('alternative.');

/** x's evidence is at least p's on every field (a field missing from one side weighs 0) */
const dominates = (x: Map<string, number>, p: Map<string, number>) => {
  for (const f of new Set([...x.keys(), ...p.keys()])) if ((x.get(f) ?? 0) < (p.get(f) ?? 0) - 1e-9) return false;
  return true;
};

interface Partner { dom: number; freeDom: number; scored: boolean }
const partnersOf: Partner[][] = [];
let children = 0;
for (const q of pop.records) {
  if (q.side !== 'child' || children++ % every !== 0) continue;
  const partners = (byPerson.get(pop.truth.get(q.id)!.person) ?? []).filter((r) => r.side === 'sought' && allowed(q, r));
  if (partners.length === 0) continue;
  const res = engine.match(q, { minProbability: 0, limit: 1e9, explain: true });
  const evidence = new Map<string, Map<string, number>>();
  for (const c of res) {
    if (byId.get(c.otherId)?.side !== 'sought') continue;
    const ev = new Map<string, number>();
    for (const f of c.explanation) if (!NOT_EVIDENCE(f.field)) ev.set(f.field, (ev.get(f.field) ?? 0) + f.weight);
    evidence.set(c.otherId, ev);
  }
  const partnerIds = new Set(partners.map((p) => p.id));
  partnersOf.push(partners.map((p) => {
    const ep = evidence.get(p.id);
    if (!ep) return { dom: 0, freeDom: 0, scored: false };
    let dom = 0, freeDom = 0;
    for (const [x, ex] of evidence) {
      if (partnerIds.has(x) || !dominates(ex, ep)) continue;
      dom++;
      if (free(x)) freeDom++;
    }
    return { dom, freeDom, scored: true };
  }));
}

const all = partnersOf.flat();
const scored = all.filter((p) => p.scored);
const share = (n: number) => `${((100 * n) / all.length).toFixed(2)} %`;
console.log(`${perSide} per side, seed ${seed}, every ${every}th child: ${partnersOf.length} children with a partner, ${all.length} child → sought true pairs, ${scored.length} scored (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
const q = (xs: number[], p: number) => xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] : NaN;
for (const key of ['dom', 'freeDom'] as const) {
  const label = key === 'dom' ? 'all dominators' : 'free dominators only';
  const d = scored.map((p) => p[key]);
  console.log(`\n${label}: partners dominated by ≥ 1: ${share(d.filter((x) => x >= 1).length)}, ≥ 5: ${share(d.filter((x) => x >= 5).length)}; p50 / p90 / p99 ${q(d, 0.5)} / ${q(d, 0.9)} / ${q(d, 0.99)}`);
  console.log(`  top-5 recall at most ${(100 - (100 * d.filter((x) => x >= 5).length) / all.length).toFixed(2)} % (partners never scored counted as reachable)`);
  // per child, the j-th cheapest partner adds the increment of its dominators over the (j-1)-th's
  const increments = partnersOf.flatMap((ps) => ps.map((p) => p[key]).sort((a, b) => a - b).map((x, j, xs) => x - (j > 0 ? xs[j - 1] : 0))).sort((a, b) => a - b);
  const rows: string[] = [];
  for (const recall of [0.8, 0.85, 0.9, 0.95, 0.98, 0.99]) {
    const k = Math.ceil(recall * increments.length);
    let fp = 0;
    for (let i = 0; i < k; i++) fp += increments[i];
    rows.push(`recall ${(100 * recall).toFixed(0)} %: precision at most ${((100 * k) / (k + fp)).toFixed(2)} % (≥ ${fp} false proposals for ${k} true)`);
  }
  console.log('  ' + rows.join('\n  '));
}

/**
 * Quality diagnostics: for every same-child pair of a generated population
 * (consent-allowed), the pair's explanation; prints how the field levels of
 * missed pairs (p < threshold) differ from found ones, per culture, and
 * sample misses / sibling false positives with their explanations.
 *   node -r @swc-node/register bench/matching/misses.ts [size] [seed] [samples] [field=level]
 */
import { MatchingEngine } from '../../libs/matching-engine/src/engine';
import { MatchRecord } from '../../libs/matching-engine/src/types';
import { generatePopulation } from './generator';

const size = Number(process.argv[2] ?? 10000);
const seed = Number(process.argv[3] ?? 7);
const samples = Number(process.argv[4] ?? 12);
/** only sample misses with this field=level in their explanation, e.g. name.first=none */
const only = process.argv[5];
const pop = generatePopulation(seed, size);
const e = new MatchingEngine();
for (const r of pop.records) e.upsert(r);
const byFamily = new Map<number, MatchRecord[]>();
for (const r of pop.records) {
  const f = pop.truth.get(r.id)!.family;
  byFamily.set(f, [...(byFamily.get(f) ?? []), r]);
}
const levelCount = new Map<string, [number, number]>(); // field=level → [missed, found]
const perCulture = new Map<string, [number, number]>();
const missShown: string[] = [];
const fpShown: string[] = [];
let miss = 0, found = 0, sibFp = 0, sibs = 0;
const show = (a: MatchRecord, b: MatchRecord, c: ReturnType<MatchingEngine['explainPair']>) =>
  `p=${c.probability.toFixed(3)} kind=${c.kind} sib=${c.probabilities?.siblings.toFixed(3)}\n  A ${JSON.stringify({ ...a, id: undefined, agencyId: undefined })}\n  B ${JSON.stringify({ ...b, id: undefined, agencyId: undefined })}\n` +
  c.explanation.map((x) => `    ${x.field.padEnd(18)} ${x.level.padEnd(14)} ${x.weight.toFixed(2).padStart(6)} ${x.leftNormalised ?? ''} | ${x.rightNormalised ?? ''} ${x.note ?? ''}`).join('\n');
for (const fam of byFamily.values()) {
  for (let i = 0; i < fam.length; i++) for (let j = i + 1; j < fam.length; j++) {
    const a = fam[i], b = fam[j];
    if (a.agencyId !== b.agencyId && !(a.consentForTracing && b.consentForTracing)) continue;
    if (a.side === 'sought' && b.side === 'sought' && a.groupId === b.groupId) continue;
    const ta = pop.truth.get(a.id)!, tb = pop.truth.get(b.id)!;
    const c = e.explainPair(a, b);
    const same = ta.person === tb.person;
    if (!same) {
      sibs++;
      if (c.kind !== 'possible-sibling' && c.probability >= e.threshold) {
        sibFp++;
        if (fpShown.length < samples / 2) fpShown.push(show(a, b, c));
      }
      continue;
    }
    const ok = c.kind !== 'possible-sibling' && c.probability >= e.threshold;
    if (ok) found++; else miss++;
    const pc = perCulture.get(ta.culture) ?? [0, 0];
    pc[ok ? 1 : 0]++;
    perCulture.set(ta.culture, pc);
    for (const x of c.explanation) {
      const k = `${x.field}=${x.level}`;
      const v = levelCount.get(k) ?? [0, 0];
      v[ok ? 1 : 0]++;
      levelCount.set(k, v);
    }
    if (!ok && missShown.length < samples && (only ? c.explanation.some((x) => `${x.field}=${x.level}` === only) : (missShown.length * 7919 + found) % 3 === 0)) missShown.push(`[${ta.culture}] ` + show(a, b, c));
  }
}
console.log({ found, miss, recall: found / (found + miss), sibs, sibFp });
console.log('per culture (miss/found):', Object.fromEntries(perCulture));
const rows = [...levelCount].map(([k, [m, f]]) => ({ k, m, f, mRate: m / miss, fRate: f / found })).sort((x, y) => y.mRate - y.fRate - (x.mRate - x.fRate));
for (const r of rows) console.log(r.k.padEnd(40), String(r.m).padStart(6), String(r.f).padStart(6), (r.mRate * 100).toFixed(1).padStart(6), (r.fRate * 100).toFixed(1).padStart(6));
console.log('\n--- sample misses ---');
for (const s of missShown) console.log(s);
console.log('\n--- sample sibling false positives ---');
for (const s of fpShown) console.log(s);

import { MatchingEngine } from '../../libs/matching-engine/src/engine';
import { MatchRecord } from '../../libs/matching-engine/src/types';
import { generatePopulation } from './generator';
const size = Number(process.argv[2] ?? 10000);
const pop = generatePopulation(7, size);
const e = new MatchingEngine();
for (const r of pop.records) e.upsert(r);
const byFamily = new Map<number, MatchRecord[]>();
for (const r of pop.records) { const f = pop.truth.get(r.id)!.family; byFamily.set(f, [...(byFamily.get(f) ?? []), r]); }
const stat: Record<string, [number, number]> = {};
const add = (k: string, ok: boolean) => { const v = (stat[k] ??= [0, 0]); v[ok ? 1 : 0]++; };
let shown = 0;
for (const fam of byFamily.values()) for (let i = 0; i < fam.length; i++) for (let j = i + 1; j < fam.length; j++) {
  const a = fam[i], b = fam[j];
  if (a.agencyId !== b.agencyId && !(a.consentForTracing && b.consentForTracing)) continue;
  if (a.side === 'sought' && b.side === 'sought' && a.groupId === b.groupId) continue;
  const ta = pop.truth.get(a.id)!, tb = pop.truth.get(b.id)!;
  const same = ta.person === tb.person;
  const c = e.explainPair(a, b);
  const ok = c.kind !== 'possible-sibling' && c.probability >= e.threshold;
  const f = c.explanation.find((x) => x.field === 'father')!;
  const n = c.explanation.find((x) => x.field === 'name.first')!;
  const cat = (lName?: string, rFather?: string) => {
    if (!lName || !rFather) return 'n/a';
    const nt = lName.split(' '), ft = rFather.split(' ');
    if (nt.length < 2 || ft.length < 1) return 'short';
    const i1 = nt.indexOf(ft[0], 1);
    if (i1 < 0) return 'no';
    if (ft.length >= 2 && nt[i1 + 1] === ft[1]) return 'two';
    return 'one';
  };
  const x = f.level === 'missing' ? [cat(n.leftNormalised, f.rightNormalised), cat(n.rightNormalised, f.leftNormalised)] : ['father-compared'];
  const best = x.includes('two') ? 'two' : x.includes('one') ? 'one' : x[0];
  const key = `${same ? 'same' : 'sib'} father=${f.level === 'missing' ? 'missing' : 'present'} implied=${best}`;
  add(key, ok);
  if (same && !ok && best === 'two' && shown < 4) { shown++; console.log(c.probability.toFixed(3), n.leftNormalised, '|', n.rightNormalised, ' F:', f.leftNormalised, '|', f.rightNormalised, c.explanation.find((x) => x.field === 'name.rest')!.level); }
}
for (const [k, [m, f]] of Object.entries(stat).sort()) console.log(k.padEnd(50), 'missed', m, 'found', f);

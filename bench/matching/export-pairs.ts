/**
 * OFFLINE EXPERIMENT (not run by npm test): exports the candidate pairs that scoring sees, with
 * what the model combines — per-field levels, term-frequency adjustments, the prior — and the
 * one-to-one stage's inputs (the pair's P(same child) alone, the rivals' summed odds, population),
 * the shipped model's final probabilities and the truth labels. Input of interactions.py, which
 * asks how much a flexible combiner (gradient-boosted trees) could gain over the additive model
 * with the same comparators (docs/matching.md, "How much a combiner with interactions could gain").
 *
 *   node -r @swc-node/register bench/matching/export-pairs.ts --seed 1001 --size 10000 --out /tmp/x-train
 *        [--queries N]       sample of families queried as run.ts does (default: all at ≤ 20k, 6000 above)
 *        [--model file.json] score with a candidate model instead of the shipped one
 *        [--keep-below 0.05] share of the far negatives kept (importance weight 1/share)
 *
 * Writes <out>.csv (one row per scored candidate, from each direction as run.ts queries) and
 * <out>.truth.json (the true pairs run.ts counts recall over, and the records its top-5 counts).
 * Rows: candidates that run.ts would see, all of them except negatives whose probability is below
 * 1e-3 both alone and after the one-to-one stage, which are sampled (column `w` = importance weight).
 */
import * as fs from 'fs';
import { MatchingEngine } from '../../libs/matching-engine/src/engine';
import { FIELDS, loadModel } from '../../libs/matching-engine/src/model';
import { MatchRecord } from '../../libs/matching-engine/src/types';
import { generateFamily, Truth } from './generator';
import { Rng, hashSeed } from './rng';

const argv = process.argv.slice(2);
const arg = (n: string) => { const i = argv.indexOf('--' + n); return i >= 0 ? argv[i + 1] : undefined; };
const seed = Number(arg('seed') ?? 7);
const size = Number(arg('size') ?? 10000);
const out = arg('out');
if (!out) throw new Error('--out <prefix> required (writes <prefix>.csv and <prefix>.truth.json)');
const keepBelow = Number(arg('keep-below') ?? 0.05);
const modelFile = arg('model');
const model = modelFile ? loadModel(JSON.parse(fs.readFileSync(modelFile, 'utf8'))) : undefined;

// the same population and query sample as run.ts
const sampleTarget = Number(arg('queries') ?? (size <= 20000 ? Infinity : size >= 500000 ? 3000 : 6000));
const sampleRate = sampleTarget === Infinity ? 1 : Math.min(1, sampleTarget / (2 * size));
const sampled = (f: number) => sampleRate >= 1 || (hashSeed(seed, f, 99) % 1_000_000) / 1_000_000 < sampleRate;

interface Meta { t: Truth; side: string; agency: string; consent: boolean; group?: string }
const engine = new MatchingEngine({ model });
const meta = new Map<string, Meta>();
const fams: MatchRecord[][] = [];
const counters = { child: 0, request: 0 };
let nc = 0, ns = 0, f = 0;
for (; nc < size || ns < size; f++) {
  const fam = generateFamily(seed, f, counters);
  const keep: MatchRecord[] = [];
  for (const r of fam.records) {
    if (r.side === 'child' ? nc >= size : ns >= size) continue;
    engine.upsert(r);
    if (r.side === 'child') nc++; else ns++;
    keep.push(r);
  }
  if (sampled(f) && keep.length) {
    for (const r of keep) meta.set(r.id, { t: fam.truth.get(r.id)!, side: r.side, agency: r.agencyId, consent: r.consentForTracing, group: r.groupId });
    fams.push(keep);
  }
}
console.log(`[${size}, seed ${seed}] ${nc} + ${ns} records, ${fams.length} families queried`);

// truth as run.ts counts it: consent-allowed pairs within a queried family; top-5 over records with
// a partner on the other side
const allowed = (a: Meta, b: Meta) => a.agency === b.agency || (a.consent && b.consent);
const truePairs: Array<[string, string, string]> = [];
const top5Records: string[] = [];
for (const fam of fams) {
  const withPartner = new Set<string>();
  for (let i = 0; i < fam.length; i++) for (let j = i + 1; j < fam.length; j++) {
    const a = meta.get(fam[i].id)!, b = meta.get(fam[j].id)!;
    if (!allowed(a, b) || a.t.person !== b.t.person) continue;
    truePairs.push([fam[i].id, fam[j].id, a.side !== b.side ? 'child-sought' : a.side === 'child' ? 'duplicate-child' : 'same-sought-child']);
    if (a.side !== b.side) { withPartner.add(fam[i].id); withPartner.add(fam[j].id); }
  }
  for (const r of fam) if (withPartner.has(r.id)) top5Records.push(r.id);
}
fs.writeFileSync(`${out}.truth.json`, JSON.stringify({ seed, size, queries: fams.reduce((a, x) => a + x.length, 0), truePairs, top5Records }));

// the one-to-one stage's inputs are private to the engine: capture the contenders `compete` sees
// (they are final once match() returns: the candidate-side rivals are added to the same objects)
interface Contender { n: number; pSame: number; pSameAlone: number; pSib: number; rivals?: number }
const eng = engine as unknown as { compete(side: number, group: Contender[]): void; idIndex: { idOf(n: number): string } };
const compete = eng.compete.bind(engine);
let captured: Contender[] = [];
eng.compete = (side, group) => { compete(side, group); captured.push(...group); };

const levelCols = FIELDS.map((x) => `L_${x.name}`);
const tfCols = FIELDS.map((x) => `T_${x.name}`);
const header = ['qid', 'oid', 'qside', 'kind', 'label', 'w', 'qculture', 'oculture', ...levelCols, ...tfCols,
  'prior', 'population', 'pAlone', 'pSib', 'rivals', 'pSame', 'probability', 'resultKind'];
const fd = fs.openSync(`${out}.csv`, 'w');
fs.writeSync(fd, header.join(',') + '\n');
const rng = new Rng(seed + 77);
const g = (x: number) => (x === 0 ? '0' : Math.abs(x) < 1e-4 || Math.abs(x) > 1e6 ? x.toExponential(4) : x.toPrecision(6));
let rows = 0, dropped = 0, buf: string[] = [];
for (const fam of fams) for (const rec of fam) {
  captured = [];
  const res = engine.match(rec, { minProbability: 0, limit: 1e9, explain: false });
  const feats = new Map(engine.candidateFeatures(rec).map((c) => [c.otherId, c]));
  const stage = new Map(captured.map((c) => [eng.idIndex.idOf(c.n), c]));
  const a = meta.get(rec.id)!;
  for (const r of res) {
    const c = feats.get(r.otherId), s = stage.get(r.otherId);
    if (!c || !s) throw new Error(`candidate ${r.otherId} of ${rec.id} not found in candidateFeatures / compete`);
    const b = meta.get(r.otherId);
    const label = b && b.t.person === a.t.person ? 1 : b && b.t.family === a.t.family ? 2 : 0;
    let w = 1;
    if (label === 0 && s.pSameAlone < 1e-3 && s.pSame < 1e-3) {
      if (rng.next() >= keepBelow) { dropped++; continue; }
      w = 1 / keepBelow;
    }
    const otherSide = c.kind === 'child-sought' ? 1 - (a.side === 'child' ? 0 : 1) : a.side === 'child' ? 0 : 1;
    const population = otherSide === 0 ? engine.size.child : engine.size.sought;
    buf.push([rec.id, r.otherId, a.side, c.kind, label, w, a.t.culture, b?.t.culture ?? '',
      ...Array.from(c.levels), ...Array.from(c.tf, g), g(c.prior), population,
      g(s.pSameAlone), g(s.pSib), g(s.rivals ?? 0), g(s.pSame), g(r.probability), r.kind].join(','));
    rows++;
  }
  if (buf.length > 20000) { fs.writeSync(fd, buf.join('\n') + '\n'); buf = []; }
}
if (buf.length) fs.writeSync(fd, buf.join('\n') + '\n');
fs.closeSync(fd);
console.log(`wrote ${out}.csv: ${rows} rows (${dropped} far negatives dropped, ${keepBelow} kept with weight ${1 / keepBelow}); ${truePairs.length} true pairs, ${top5Records.length} top-5 records`);

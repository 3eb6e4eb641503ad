/**
 * Estimates the shipped model from labelled pairs of a *training* population
 * (its own seed, never the benchmark's) and writes
 * libs/matching-engine/src/model/default-model.ts.
 *
 *   node -r @swc-node/register bench/matching/train.ts [--size 20000] [--seed 1001] [--version kinlink-fs-1.0.0]
 *        [--from-shipped]   keep the shipped field model + dependence calibration, refit only the
 *                           one-to-one calibration (the last stage)
 *        [--from model.json]  as --from-shipped, starting from that model file
 *        [--refit-calibration]  with --from-shipped / --from: keep the field model (m, u), refit the
 *                           dependence calibration on a population of --size, then the one-to-one stage
 *        [--calibration-l2 5]  pull of the level weights toward the Fellegi–Sunter weights in that fit
 *        [--out model.json]   write the model JSON there instead of rewriting default-model.ts
 *        [--via-father-without-rest-only]  fit `name.rest` via-father in its meaning before
 *                           kinlink-fs-1.4.0 (only when one record gives no other name)
 *        [--calibration-queries 8000] [--one-to-one-queries 4000]
 *        [--one-to-one-sizes 10000,30000,100000]  fit the one-to-one stage at each size (a table
 *                           interpolated in log2 N; default: --size alone, one calibration)
 *        [--one-to-one-min-p 0.01]  fit it on the candidates whose posterior before the stage is at
 *                           least this (the range where it decides proposals; default 0 = all)
 *        [--one-to-one-loss squared]  least squares (Brier) instead of log-likelihood
 *        [--one-to-one-none unpartnered-rate]  weigh "no partner stored" at 1 − the kind's base rate
 *                           in the stage (kinlink-fs-1.6.0) instead of 1
 *        [--one-to-one-by-kind]  also fit an intercept offset for duplicate registrations and two
 *                           requests for one child (child ↔ sought the reference; kinlink-fs-1.6.0)
 *        [--pair-level-too]  diagnostics: also print the pair-by-pair fit (no rivals) per size
 *
 * m = level distribution over true pairs (same child: child–sought, duplicate
 * registrations, two requests for one child); mSibling over sibling pairs;
 * u over 400k random child–sought pairs of the population. Base rates are
 * the training population's (expected partners per record). Run twice
 * (the second pass compares with the first pass's weights, which choose the
 * best name rendering).
 */
import * as fs from 'fs';
import * as path from 'path';
import { EngineOptions, MatchingEngine } from '../../libs/matching-engine/src/engine';
import { MatchModelJson, OneToOneNone, loadModel } from '../../libs/matching-engine/src/model';
import { CalibrationSample, estimateFromLabelledPairs, fitCalibration, LabelledPair, solve } from '../../libs/matching-engine/src/estimate';
import { Rng } from './rng';
import { BOOTSTRAP_MODEL } from '../../libs/matching-engine/src/model/bootstrap-model';
import { DEFAULT_MODEL_JSON } from '../../libs/matching-engine/src/model/default-model';
import { MatchRecord } from '../../libs/matching-engine/src/types';
import { generateFamily, NOISE } from './generator';

const argv = process.argv.slice(2);
const arg = (n: string) => { const i = argv.indexOf('--' + n); return i >= 0 ? argv[i + 1] : undefined; };
const flag = (n: string) => argv.includes('--' + n);
const size = Number(arg('size') ?? 20000);
const seed = Number(arg('seed') ?? 1001);
const version = arg('version') ?? 'kinlink-fs-1.0.0';
const outFile = path.resolve(__dirname, '../../libs/matching-engine/src/model/default-model.ts');
const outJson = arg('out');
const fromFile = arg('from');

function population(size: number) {
  const fams: MatchRecord[][] = [];
  const person = new Map<string, number>();
  const counters = { child: 0, request: 0 };
  let nc = 0, ns = 0, f = 0;
  while (nc < size || ns < size) {
    const fam = generateFamily(seed, f++, counters);
    const keep = fam.records.filter((r) => (r.side === 'child' ? nc++ < size : ns++ < size));
    for (const r of keep) person.set(r.id, fam.truth.get(r.id)!.person);
    if (keep.length) fams.push(keep);
  }
  return { fams, person, nc: Math.min(nc, size), ns: Math.min(ns, size) };
}
type Population = ReturnType<typeof population>;

function estimate(start: MatchModelJson, pop: Population): MatchModelJson {
  const engine = new MatchingEngine({ model: loadModel(start) });
  for (const fam of pop.fams) for (const r of fam) engine.upsert(r);
  const pairs: LabelledPair[] = [];
  let cs = 0, dup = 0, ss = 0, sib = 0;
  for (const fam of pop.fams) {
    for (let i = 0; i < fam.length; i++) for (let j = i + 1; j < fam.length; j++) {
      const a = fam[i], b = fam[j];
      if (a.side === 'sought' && b.side === 'sought' && a.groupId === b.groupId) continue;
      const same = pop.person.get(a.id) === pop.person.get(b.id);
      pairs.push({ levels: engine.compareRecords(a, b).levels, label: same ? 'match' : 'sibling' });
      if (same) { if (a.side !== b.side) cs++; else if (a.side === 'child') dup++; else ss++; } else sib++;
    }
  }
  const random = engine.randomPairVectors(400_000, seed);
  const N = pop.nc + pop.ns;
  const prior = {
    'child-sought': +((2 * cs) / N).toFixed(4),
    'duplicate-child': +((2 * dup) / pop.nc).toFixed(4),
    'same-sought-child': +((2 * ss) / pop.ns).toFixed(4),
    'possible-sibling': +((2 * sib) / N).toFixed(4),
    minPopulation: start.prior.minPopulation,
  };
  const res = estimateFromLabelledPairs(pairs, random, { ...start, prior }, {
    modelVersion: version,
    description: 'Kinlink default Fellegi–Sunter model: m from labelled same-child pairs, mSibling from sibling pairs, u from random child–sought pairs of a generated training population (bench/matching/train.ts).',
    estimatedFrom: {
      method: 'labelled-pairs', generator: 'bench/matching/generator.ts', seed, recordsPerSide: size,
      pairs: { childSought: cs, duplicateChild: dup, sameSoughtChild: ss, siblings: sib, random: random.length },
      noiseProfile: 'hard', noiseVersion: JSON.stringify(NOISE).length,
    },
  });
  console.log(`pairs: cs=${cs} dup=${dup} ss=${ss} sib=${sib} random=${random.length}`, prior);
  return res.model;
}

/**
 * Dependence calibration: logistic fit of per-field weight scales on labelled
 * candidate pairs (what blocking actually hands to scoring), negatives far from
 * the decision boundary subsampled with importance weights.
 */
function calibrate(json: MatchModelJson, pop: Population, queries: number): MatchModelJson {
  const compiled = loadModel({ ...json, calibration: undefined });
  const engine = new MatchingEngine({ model: compiled });
  for (const fam of pop.fams) for (const r of fam) engine.upsert(r);
  const famOf = new Map<string, number>();
  pop.fams.forEach((f, i) => f.forEach((r) => famOf.set(r.id, i)));
  const rng = new Rng(seed + 1);
  const all = pop.fams.flat();
  const samples: CalibrationSample[] = [];
  const counts = { same: 0, sibling: 0, unrelated: 0 };
  for (let i = 0; i < queries; i++) {
    const rec = all[Math.floor(rng.next() * all.length)];
    const me = pop.person.get(rec.id);
    for (const c of engine.candidateFeatures(rec)) {
      const label = pop.person.get(c.otherId) === me ? 'same' : famOf.get(c.otherId) === famOf.get(rec.id) ? 'sibling' : 'unrelated';
      const tf = c.tf.reduce((a, b) => a + b, 0);
      let z = c.prior + tf;
      c.levels.forEach((l, f) => { if (l >= 0) z += compiled.weights[f][l]; });
      let weight = 1;
      if (label === 'unrelated' && z < -12) {
        if (rng.next() > 0.05) continue;
        weight = 20;
      }
      counts[label]++;
      samples.push({ levels: c.levels, tf, prior: c.prior, siblingPrior: Math.log2(json.prior[c.kind] / json.prior['possible-sibling']), label, weight });
    }
  }
  const cal = fitCalibration(samples, compiled, { l2: Number(arg('calibration-l2') ?? 5) });
  console.log(`calibration on ${samples.length} candidate pairs`, counts, cal);
  return { ...json, calibration: cal };
}

/**
 * One-to-one calibration: the engine lets competing candidates of a query share the evidence
 * (a record is one child); the field weights were calibrated pair by pair, so the resulting
 * posterior gets a two-parameter logistic recalibration (slope, intercept in log2-odds),
 * fitted on every candidate of training queries (negatives far below the boundary subsampled
 * with importance weights). How far the posterior is off depends on the population size (the
 * prior scales as 1/N while the rivals already absorb part of the look-alike effect), so with
 * several sizes the stage is fitted at each and shipped as a table interpolated in log2 N.
 */
function oneToOneSamples(json: MatchModelJson, pop: Population, queries: number, engineOptions: EngineOptions = {}, minP = 0) {
  // the stage's posterior before its calibration: identity, with the model's weighing of "no partner stored"
  const none = json.oneToOne?.none;
  const engine = new MatchingEngine({ ...engineOptions, model: loadModel({ ...json, oneToOne: none ? { slope: 1, intercept: 0, none } : undefined }) });
  for (const fam of pop.fams) for (const r of fam) engine.upsert(r);
  const rng = new Rng(seed + 2);
  const all = pop.fams.flat();
  const sideOf = new Map(all.map((r) => [r.id, r.side]));
  const xs: number[] = [], ys: number[] = [], ws: number[] = [], kinds: OffsetKind[] = [];
  for (let i = 0; i < queries; i++) {
    const rec = all[Math.floor(rng.next() * all.length)];
    const me = pop.person.get(rec.id);
    for (const r of engine.match(rec, { minProbability: 0, limit: 1e9, explain: false })) {
      // a sibling answer's kind is the pair's kind of match (its sameChild probability went through the stage as that)
      const otherSide = sideOf.get(r.otherId);
      const kind = otherSide !== rec.side ? null : rec.side === 'child' ? 'duplicate-child' : 'same-sought-child';
      const p = Math.min(1 - 1e-12, Math.max(1e-12, r.probabilities?.sameChild ?? r.probability));
      if (p < minP) continue;
      const y = pop.person.get(r.otherId) === me ? 1 : 0;
      let w = 1;
      if (y === 0 && p < 1e-3) {
        if (rng.next() > 0.05) continue;
        w = 20;
      }
      xs.push(Math.log2(p / (1 - p))); ys.push(y); ws.push(w); kinds.push(kind);
    }
  }
  return { xs, ys, ws, kinds };
}

/**
 * Newton–Raphson on the weighted log-likelihood of P = 1 / (1 + 2^-(β · f(i))), starting from
 * slope 1 and the rest 0 (f(i)[0] is the sample's log2 odds); the coefficients β.
 */
function newtonLogistic(n: number, P: number, feat: (i: number) => number[], ys: number[], ws: number[]): number[] {
  const beta = new Array(P).fill(0);
  beta[0] = 1;
  for (let it = 0; it < 50; it++) {
    const g = new Array(P).fill(0);
    const H = Array.from({ length: P }, () => new Array(P).fill(0));
    for (let i = 0; i < n; i++) {
      const f = feat(i);
      let z = 0;
      for (let k = 0; k < P; k++) z += beta[k] * f[k];
      const q = 1 / (1 + Math.exp(-Math.LN2 * z));
      const r = ws[i] * (ys[i] - q) * Math.LN2;
      // a tiny ridge keeps H invertible when a kind has no samples
      const v = ws[i] * q * (1 - q) * Math.LN2 * Math.LN2 + 1e-12;
      for (let a = 0; a < P; a++) {
        g[a] += r * f[a];
        for (let b = 0; b < P; b++) H[a][b] += v * f[a] * f[b];
      }
    }
    const d = solve(H, g);
    let step = 0;
    for (let k = 0; k < P; k++) { beta[k] += d[k]; step += Math.abs(d[k]); }
    if (step < 1e-9) break;
  }
  return beta;
}
const round4 = (x: number) => +x.toFixed(4);

/** P = 1 / (1 + 2^-(slope·x + intercept)) by log-likelihood */
function fitLogistic2({ xs, ys, ws }: { xs: number[]; ys: number[]; ws: number[] }): { slope: number; intercept: number } {
  const [a, b] = newtonLogistic(xs.length, 2, (i) => [xs[i], 1], ys, ws);
  return { slope: round4(a), intercept: round4(b) };
}

/**
 * Least squares instead of log-likelihood (Gauss–Newton from the log-likelihood fit): the Brier
 * score the benchmark reports; with a two-parameter curve that cannot follow the posterior
 * everywhere, log-likelihood weighs confident errors far from the decision range more.
 */
function fitSquared2(samples: { xs: number[]; ys: number[]; ws: number[] }): { slope: number; intercept: number } {
  const { xs, ys, ws } = samples;
  let { slope: a, intercept: b } = fitLogistic2(samples);
  for (let it = 0; it < 100; it++) {
    let g0 = 0, g1 = 0, h00 = 0, h01 = 0, h11 = 0;
    for (let i = 0; i < xs.length; i++) {
      const q = 1 / (1 + Math.exp(-Math.LN2 * (a * xs[i] + b)));
      const d = q * (1 - q) * Math.LN2;
      const r = q - ys[i];
      g0 += ws[i] * r * d * xs[i]; g1 += ws[i] * r * d;
      h00 += ws[i] * d * d * xs[i] * xs[i]; h01 += ws[i] * d * d * xs[i]; h11 += ws[i] * d * d;
    }
    const det = h00 * h11 - h01 * h01;
    const da = -(h11 * g0 - h01 * g1) / det, db = -(h00 * g1 - h01 * g0) / det;
    a += da; b += db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { slope: +a.toFixed(4), intercept: +b.toFixed(4) };
}

type OffsetKind = 'duplicate-child' | 'same-sought-child' | null;
const OFFSET_KINDS = ['duplicate-child', 'same-sought-child'] as const;

/**
 * The stage with an intercept offset per kind (child ↔ sought the reference): Newton–Raphson on
 * the weighted log-likelihood of P = sigmoid2(slope·x + intercept + offset[kind]).
 */
function fitLogisticByKind({ xs, ys, ws, kinds }: { xs: number[]; ys: number[]; ws: number[]; kinds: OffsetKind[] }): { slope: number; intercept: number; kindOffset: Record<(typeof OFFSET_KINDS)[number], number> } {
  const feat = (i: number) => [xs[i], 1, kinds[i] === OFFSET_KINDS[0] ? 1 : 0, kinds[i] === OFFSET_KINDS[1] ? 1 : 0];
  const beta = newtonLogistic(xs.length, 2 + OFFSET_KINDS.length, feat, ys, ws).map(round4);
  return { slope: beta[0], intercept: beta[1], kindOffset: { [OFFSET_KINDS[0]]: beta[2], [OFFSET_KINDS[1]]: beta[3] } as Record<(typeof OFFSET_KINDS)[number], number> };
}

function fitOneToOne(json: MatchModelJson, sizes: number[], queries: number, pairLevelToo: boolean, minP: number, squared: boolean, byKind: boolean): MatchModelJson {
  const bySize: Array<{ population: number; slope: number; intercept: number }> = [];
  const fittedOn: Array<Record<string, number | string>> = [];
  const offsets: Array<Record<string, number>> = [];
  for (const n of sizes) {
    const pop = n === size && trainingPop ? trainingPop : population(n);
    const samples = oneToOneSamples(json, pop, queries, {}, minP);
    let fit = squared ? fitSquared2(samples) : fitLogistic2(samples);
    if (byKind) {
      const { kindOffset, ...rest } = fitLogisticByKind(samples);
      offsets.push(kindOffset);
      fit = rest;
      console.log(`  offsets by kind at ${n} per side`, kindOffset);
    }
    const positives = samples.ys.reduce((x, y) => x + y, 0);
    console.log(`one-to-one calibration at ${n} per side`, fit, { pairs: samples.xs.length, positives });
    if (pairLevelToo) {
      // diagnostics: how far the pair-alone probability (no rivals, no one-to-one stage) is off at this size
      console.log(`  pair by pair (no rivals) at ${n} per side`, fitLogistic2(oneToOneSamples(json, pop, queries, { competingCandidates: false }, minP)));
    }
    bySize.push({ population: n, ...fit });
    fittedOn.push({ seed, recordsPerSide: n, queries, pairs: samples.xs.length, positives, ...(minP > 0 ? { minProbability: minP } : {}), ...(squared ? { loss: 'squared' } : {}) });
  }
  const none = json.oneToOne?.none ? { none: json.oneToOne.none } : {};
  // one offset per kind for every size: the mean of the sizes' fits (they vary less than the intercept)
  const kindOffset = byKind ? { kindOffset: Object.fromEntries(OFFSET_KINDS.map((k) => [k, +(offsets.reduce((a, o) => a + o[k], 0) / offsets.length).toFixed(4)])) } : {};
  if (bySize.length === 1) return { ...json, oneToOne: { slope: bySize[0].slope, intercept: bySize[0].intercept, ...none, ...kindOffset, fittedOn: fittedOn[0] } };
  // the plain pair is the largest size's fit (what applies above the table, and what a reader ignoring the table gets)
  const last = bySize[bySize.length - 1];
  return { ...json, oneToOne: { slope: last.slope, intercept: last.intercept, bySize, ...none, ...kindOffset, fittedOn } };
}

const oneToOneSizes = (arg('one-to-one-sizes') ?? String(size)).split(',').map(Number).sort((a, b) => a - b);
let trainingPop: Population | undefined;
let model: MatchModelJson;
if (flag('from-shipped') || fromFile) {
  // keep the field model and dependence calibration; refit the one-to-one stage only
  const from: MatchModelJson = fromFile ? JSON.parse(fs.readFileSync(fromFile, 'utf8')) : DEFAULT_MODEL_JSON;
  model = { ...from, modelVersion: version };
  if (flag('refit-calibration')) {
    trainingPop = population(size);
    model = calibrate({ ...model, calibration: undefined, oneToOne: undefined }, trainingPop, Number(arg('calibration-queries') ?? 8000));
  }
} else {
  trainingPop = population(size);
  // the level meanings the weights are fitted for travel with the model
  model = { ...BOOTSTRAP_MODEL, comparators: { viaFatherWhenRestDisagrees: !flag('via-father-without-rest-only') } };
  for (let pass = 0; pass < 2; pass++) model = estimate(model, trainingPop);
  model = calibrate({ ...model, modelVersion: version }, trainingPop, Number(arg('calibration-queries') ?? 8000));
}
const noneArg = arg('one-to-one-none') as OneToOneNone | undefined;
if (noneArg) model = { ...model, oneToOne: { slope: 1, intercept: 0, none: noneArg } };
model = fitOneToOne(model, oneToOneSizes, Number(arg('one-to-one-queries') ?? 4000), flag('pair-level-too'), Number(arg('one-to-one-min-p') ?? 0), arg('one-to-one-loss') === 'squared', flag('one-to-one-by-kind'));
const body = `/**
 * The shipped default model — GENERATED by bench/matching/train.ts (do not edit by hand;
 * re-run the script, or re-estimate on deployment data with estimateFromLabelledPairs / estimateEM).
 */
import { MatchModelJson } from '../model';

export const DEFAULT_MODEL_JSON: MatchModelJson = ${JSON.stringify(model, null, 2)};
`;
if (outJson) fs.writeFileSync(outJson, JSON.stringify(model, null, 2) + '\n');
else fs.writeFileSync(outFile, body);
console.log('written', outJson ?? path.relative(process.cwd(), outFile), model.modelVersion);
for (const [f, lv] of Object.entries(model.fields)) {
  console.log(f.padEnd(18), Object.entries(lv).map(([l, p]) => `${l}:${Math.log2(p.m / p.u).toFixed(1)}/${Math.log2((p.mSibling ?? p.m) / p.u).toFixed(1)}`).join(' '));
}

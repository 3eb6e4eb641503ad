/**
 * Estimation of m/u probabilities, for the shipped model and for deployments
 * that want to re-estimate on their own data:
 *
 * - `estimateFromLabelledPairs`: m from confirmed matches (e.g. coordinators'
 *   confirmed/rejected proposals, or a generated benchmark), mSibling from
 *   known sibling pairs, u from random record pairs (almost all non-matches).
 * - `estimateEM`: unsupervised Expectation–Maximisation over blocked
 *   candidate pairs with u held fixed (Splink's approach): no labels needed.
 *
 * Both work on comparison vectors (level index per field, -1 = missing), as
 * produced by `MatchingEngine.compareRecords`, `randomPairVectors` and
 * `candidatePairVectors`.
 */
import { FIELDS, LevelParams, MatchModelJson } from './model';

export interface LabelledPair {
  levels: ArrayLike<number>;
  label: 'match' | 'sibling' | 'non-match';
}

export interface EstimationResult {
  model: MatchModelJson;
  counts: { match: number; sibling: number; random: number };
}

function tally(vectors: ArrayLike<number>[], smoothing: number): number[][] {
  return FIELDS.map((f, fi) => {
    const c = new Array<number>(f.levels.length).fill(smoothing);
    for (const v of vectors) {
      const l = v[fi];
      if (l >= 0) c[l] += 1;
    }
    const total = c.reduce((a, b) => a + b, 0);
    return c.map((x) => x / total);
  });
}

const clampP = (p: number) => Math.min(1, Math.max(1e-6, p));

/**
 * m, mSibling and u per level from labelled pairs and random pairs.
 * `randomPairs` should be vectors of random record pairs from the population
 * (the u distribution); labelled 'non-match' pairs are used when none are given.
 */
export function estimateFromLabelledPairs(
  pairs: LabelledPair[],
  randomPairs: ArrayLike<number>[],
  base: MatchModelJson,
  options: { modelVersion: string; smoothing?: number; description?: string; estimatedFrom?: unknown } = { modelVersion: 'custom' },
): EstimationResult {
  const smoothing = options.smoothing ?? 0.5;
  const matches = pairs.filter((p) => p.label === 'match').map((p) => p.levels);
  const siblings = pairs.filter((p) => p.label === 'sibling').map((p) => p.levels);
  const random = randomPairs.length > 0 ? randomPairs : pairs.filter((p) => p.label === 'non-match').map((p) => p.levels);
  if (matches.length === 0) throw new Error('estimate: no labelled matches');
  if (random.length === 0) throw new Error('estimate: no random / non-match pairs');
  const m = tally(matches, smoothing);
  const ms = siblings.length > 0 ? tally(siblings, smoothing) : null;
  const u = tally(random, smoothing);
  const fields: Record<string, Record<string, LevelParams>> = {};
  FIELDS.forEach((f, fi) => {
    const out: Record<string, LevelParams> = {};
    f.levels.forEach((lv, li) => {
      const baseL = base.fields[f.name]?.[lv];
      out[lv] = {
        m: +clampP(m[fi][li]).toPrecision(4),
        u: +clampP(u[fi][li]).toPrecision(4),
        mSibling: +clampP(ms ? ms[fi][li] : baseL?.mSibling ?? m[fi][li]).toPrecision(4),
      };
    });
    fields[f.name] = out;
  });
  return {
    model: {
      ...base,
      modelVersion: options.modelVersion,
      description: options.description ?? base.description,
      fields,
      estimatedFrom: options.estimatedFrom ?? { method: 'labelled-pairs', matches: matches.length, siblings: siblings.length, random: random.length },
    },
    counts: { match: matches.length, sibling: siblings.length, random: random.length },
  };
}

/**
 * Unsupervised EM over candidate-pair vectors with fixed u. Returns the model
 * with re-estimated m (mSibling kept) and the estimated share of matches among
 * the candidate pairs.
 */
export function estimateEM(
  vectors: ArrayLike<number>[],
  start: MatchModelJson,
  options: { iterations?: number; initialMatchShare?: number; modelVersion?: string } = {},
): { model: MatchModelJson; matchShare: number; iterations: number } {
  const iterations = options.iterations ?? 25;
  let lambda = options.initialMatchShare ?? 0.05;
  const m = FIELDS.map((f) => f.levels.map((lv) => start.fields[f.name][lv].m));
  const u = FIELDS.map((f) => f.levels.map((lv) => start.fields[f.name][lv].u));
  let it = 0;
  for (; it < iterations; it++) {
    const acc = FIELDS.map((f) => new Array<number>(f.levels.length).fill(1e-3));
    let wsum = 0;
    for (const v of vectors) {
      let lr = Math.log(lambda / (1 - lambda));
      for (let fi = 0; fi < FIELDS.length; fi++) {
        const l = v[fi];
        if (l >= 0) lr += Math.log(m[fi][l] / u[fi][l]);
      }
      const w = lr > 40 ? 1 : lr < -40 ? 0 : 1 / (1 + Math.exp(-lr));
      wsum += w;
      for (let fi = 0; fi < FIELDS.length; fi++) {
        const l = v[fi];
        if (l >= 0) acc[fi][l] += w;
      }
    }
    let delta = 0;
    for (let fi = 0; fi < FIELDS.length; fi++) {
      const tot = acc[fi].reduce((a, b) => a + b, 0);
      for (let li = 0; li < acc[fi].length; li++) {
        const nm = clampP(acc[fi][li] / tot);
        delta = Math.max(delta, Math.abs(nm - m[fi][li]));
        m[fi][li] = nm;
      }
    }
    const newLambda = Math.min(0.99, Math.max(1e-6, wsum / Math.max(1, vectors.length)));
    delta = Math.max(delta, Math.abs(newLambda - lambda));
    lambda = newLambda;
    if (delta < 1e-5) { it++; break; }
  }
  const fields: Record<string, Record<string, LevelParams>> = {};
  FIELDS.forEach((f, fi) => {
    fields[f.name] = Object.fromEntries(f.levels.map((lv, li) => [lv, {
      m: +m[fi][li].toPrecision(4), u: +u[fi][li].toPrecision(4), mSibling: start.fields[f.name][lv].mSibling,
    }]));
  });
  return {
    model: { ...start, modelVersion: options.modelVersion ?? start.modelVersion + '+em', fields, estimatedFrom: { method: 'em', pairs: vectors.length, matchShare: lambda } },
    matchShare: lambda,
    iterations: it,
  };
}

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
import { FIELDS, LevelParams, MatchModel, MatchModelJson } from './model';

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

export interface CalibrationSample {
  /** level per field (-1 missing), FIELDS order */
  levels: ArrayLike<number>;
  /** summed term-frequency adjustments of the pair */
  tf: number;
  /** prior log-odds (same : unrelated) the engine used for the pair */
  prior: number;
  /** log2(rate of the pair's kind / rate of siblings) */
  siblingPrior: number;
  label: 'same' | 'sibling' | 'unrelated';
  /** importance weight (for subsampled negatives) */
  weight?: number;
}

interface Row { x: number[]; offset: number; y: number; w: number; nz?: number[] }

/** A x = b by Gauss–Jordan elimination with partial pivoting (the few parameters of a calibration fit) */
export function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    const d = M[c][c] || 1e-12;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / d;
      if (f !== 0) for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((row, i) => row[n] / (row[i] || 1e-12));
}

/** L2-regularised (toward theta0) logistic regression in log2-odds units with a fixed offset; Newton steps with bounds. */
export function fitLogistic(rows: Row[], theta0: number[], lower: number[], l2: number, iterations = 40): number[] {
  const P = theta0.length;
  const LN2 = Math.LN2;
  for (const r of rows) if (!r.nz) r.nz = r.x.flatMap((v, j) => (v !== 0 ? [j] : []));
  let theta = [...theta0];
  const zOf = (r: Row, th: number[]) => {
    let z = r.offset;
    for (const j of r.nz!) z += th[j] * r.x[j];
    return z;
  };
  const nll = (th: number[]) => {
    let L = 0;
    for (const r of rows) {
      const eta = LN2 * zOf(r, th);
      L += r.w * ((eta > 30 ? eta : Math.log1p(Math.exp(eta))) - r.y * eta);
    }
    for (let j = 0; j < P; j++) L += l2 * (th[j] - theta0[j]) ** 2;
    return L;
  };
  let cur = nll(theta);
  for (let it = 0; it < iterations; it++) {
    const g = new Array<number>(P).fill(0);
    const H = Array.from({ length: P }, () => new Array<number>(P).fill(0));
    for (const r of rows) {
      const p = 1 / (1 + Math.exp(-LN2 * zOf(r, theta)));
      const gr = r.w * (p - r.y) * LN2;
      const h = r.w * p * (1 - p) * LN2 * LN2;
      const nz = r.nz!;
      for (let ia = 0; ia < nz.length; ia++) {
        const a = nz[ia];
        const xa = r.x[a];
        g[a] += gr * xa;
        const hx = h * xa;
        for (let ib = ia; ib < nz.length; ib++) {
          const b = nz[ib];
          if (b >= a) H[a][b] += hx * r.x[b];
          else H[b][a] += hx * r.x[b];
        }
      }
    }
    for (let a = 0; a < P; a++) {
      for (let b = 0; b < a; b++) H[a][b] = H[b][a];
      g[a] += 2 * l2 * (theta[a] - theta0[a]);
      H[a][a] += 2 * l2;
    }
    const step = solve(H, g);
    let t = 1;
    let next = theta;
    let val = cur;
    for (let k = 0; k < 20; k++) {
      next = theta.map((v, j) => Math.max(lower[j], v - t * step[j]));
      val = nll(next);
      if (val <= cur) break;
      t /= 2;
    }
    const delta = Math.max(...next.map((v, j) => Math.abs(v - theta[j])));
    theta = next;
    cur = val;
    if (delta < 1e-4) break;
  }
  return theta;
}

/**
 * Fit the dependence calibration on labelled candidate pairs (what blocking
 * hands to scoring), with the engine's priors as fixed offsets and L2
 * regularisation toward the plain Fellegi–Sunter model:
 * - same vs unrelated (siblings excluded): per-field scales of log2(m/u), TF scale, intercept;
 * - same vs siblings: per-field scales of log2(m/mSibling), intercept.
 */
export function fitCalibration(samples: CalibrationSample[], model: MatchModel, options: { l2?: number; perLevel?: boolean } = {}): NonNullable<MatchModelJson['calibration']> {
  const F = FIELDS.length;
  const l2 = options.l2 ?? 5;
  const perLevel = options.perLevel ?? true;
  // feature layout: one column per (field, level) when perLevel, else one per field
  const offsets: number[] = [];
  let P0 = 0;
  for (const f of FIELDS) { offsets.push(P0); P0 += perLevel ? f.levels.length : 1; }
  const rowsA: Row[] = [];
  const rowsD: Row[] = [];
  for (const s of samples) {
    if (s.label !== 'sibling') {
      const x = new Array<number>(P0 + 2).fill(0);
      for (let f = 0; f < F; f++) {
        const l = s.levels[f];
        if (l >= 0) x[perLevel ? offsets[f] + l : f] = perLevel ? 1 : model.weights[f][l];
      }
      x[P0] = s.tf;
      x[P0 + 1] = 1;
      rowsA.push({ x, offset: s.prior, y: s.label === 'same' ? 1 : 0, w: s.weight ?? 1 });
    }
    if (s.label !== 'unrelated') {
      const x = new Array<number>(P0 + 1).fill(0);
      for (let f = 0; f < F; f++) {
        const l = s.levels[f];
        if (l >= 0) x[perLevel ? offsets[f] + l : f] = perLevel ? 1 : model.weights[f][l] - model.siblingWeights[f][l];
      }
      x[P0] = 1;
      rowsD.push({ x, offset: s.siblingPrior, y: s.label === 'same' ? 1 : 0, w: 1 });
    }
  }
  // starting point / regularisation target: the plain Fellegi–Sunter model
  const startA: number[] = [];
  const startD: number[] = [];
  FIELDS.forEach((f, fi) => {
    if (perLevel) f.levels.forEach((_, l) => { startA.push(model.weights[fi][l]); startD.push(model.weights[fi][l] - model.siblingWeights[fi][l]); });
    else { startA.push(1); startD.push(1); }
  });
  const lowA = perLevel ? startA.map(() => -1e9) : startA.map(() => 0.05);
  const lowD = perLevel ? startD.map(() => -1e9) : startD.map(() => 0);
  const a = fitLogistic(rowsA, [...startA, 1, 0], [...lowA, 0, -1e9], l2);
  const d = fitLogistic(rowsD, [...startD, 0], [...lowD, -1e9], l2);
  const r4 = (x: number) => +x.toFixed(4);
  const table = (th: number[]) => Object.fromEntries(FIELDS.map((f, fi) => [f.name, Object.fromEntries(f.levels.map((lv, l) => [lv, r4(th[offsets[fi] + l])]))]));
  const base = {
    tfScale: r4(a[P0]),
    intercept: r4(a[P0 + 1]),
    siblingIntercept: r4(d[P0]),
    fittedOn: {
      sameVsUnrelated: { pairs: rowsA.length, positives: rowsA.filter((r) => r.y === 1).length },
      sameVsSiblings: { pairs: rowsD.length, positives: rowsD.filter((r) => r.y === 1).length },
      perLevel,
      l2,
    },
  };
  return perLevel
    ? { ...base, levelWeights: table(a), siblingLevelWeights: table(d) }
    : {
      ...base,
      fieldScale: Object.fromEntries(FIELDS.map((f, i) => [f.name, r4(a[i])])),
      siblingFieldScale: Object.fromEntries(FIELDS.map((f, i) => [f.name, r4(d[i])])),
    };
}

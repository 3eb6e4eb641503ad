/**
 * Kinlink matching benchmark.
 *
 *   npm run bench:matching                       # 10k and 100k records per side (+ baseline)
 *   npm run bench:matching -- --size 1000000     # one size (e.g. the 1M latency/memory run)
 *   options: --sizes 10000,100000  --seed 7  --queries N  --latency-queries N
 *            --baseline-queries N  --no-baseline  --out bench/results/matching.json
 *            --merge   keep the other sizes' runs already in the output file (e.g. add the 1M run
 *                      to the default 10k/100k file; a run of the same size is replaced)
 *            --max-candidates N --block-cap N --posting-budget N --narrow-block-cap N  --debug
 *            --one-sided       rivals from the query's side only (as in kinlink-fs-1.2.0)
 *            --no-father-keys  no first name × father's name blocking keys (as before 1.3.0)
 *            --repeat-family-vote W  weight of a record's repeated key votes from one evidence family
 *                                    (1 = every vote in full, as before)
 *
 * For each size: a seeded population is generated family by family and
 * upserted into the engine as the matching service does; then the records of a
 * sample of families (all families at ≤ 20k) are matched against the stored
 * population. Quality metrics use every scored candidate (explanations off);
 * latency uses the service's call (defaults, explanations on).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { performance, PerformanceObserver } from 'perf_hooks';
import { MatchingEngine } from '../../libs/matching-engine/src/engine';
import { loadModel } from '../../libs/matching-engine/src/model';
import { MatchCandidate, MatchRecord } from '../../libs/matching-engine/src/types';
import { CULTURES } from './cultures';
import { AGENCIES, NOISE, Truth, generateFamily } from './generator';
import { PrimeroBaseline } from './baseline';
import { hashSeed } from './rng';

v8.setFlagsFromString('--expose-gc');
const gc: () => void = vm.runInNewContext('gc');

// ------------------------------------------------------------------ args ---
const argv = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = argv.indexOf('--' + name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const flag = (name: string) => argv.includes('--' + name);
const sizes = arg('size') ? [Number(arg('size'))] : (arg('sizes') ?? '10000,100000').split(',').map(Number);
const seed = Number(arg('seed') ?? 7);
const outFile = path.resolve(arg('out') ?? path.join(__dirname, '../results/matching.json'));
const debug = flag('debug');
const modelFile = arg('model');
const engineOptions = {
  maxCandidates: arg('max-candidates') ? Number(arg('max-candidates')) : undefined,
  blockCap: arg('block-cap') ? Number(arg('block-cap')) : undefined,
  postingBudget: arg('posting-budget') ? Number(arg('posting-budget')) : undefined,
  narrowBlockCap: arg('narrow-block-cap') ? Number(arg('narrow-block-cap')) : undefined,
  // A/B switches of kinlink-fs-1.3.0's changes (defaults on)
  competingFromBothSides: flag('one-sided') ? false : undefined,
  fatherNameKeys: flag('no-father-keys') ? false : undefined,
  repeatFamilyVote: arg('repeat-family-vote') !== undefined ? Number(arg('repeat-family-vote')) : undefined,
};

// ------------------------------------------------------------ helpers ---
const pairKey = (a: string, b: string) => (a < b ? a + '|' + b : b + '|' + a);
const pct = (x: number) => (100 * x).toFixed(2) + '%';
function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
const memNow = () => {
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss };
};
let peakRss = 0;
const samplePeak = () => { peakRss = Math.max(peakRss, process.memoryUsage().rss); };

interface RecMeta { t: Truth; side: 'child' | 'sought'; agency: string; consent: boolean; group?: string; culture: string }

class Calibration {
  bins = Array.from({ length: 10 }, () => ({ n: 0, p: 0, y: 0 }));
  brier = 0;
  n = 0;
  brierHigh = 0;
  nHigh = 0;
  add(p: number, y: number): void {
    const b = this.bins[Math.min(9, Math.floor(p * 10))];
    b.n++; b.p += p; b.y += y;
    this.brier += (p - y) ** 2; this.n++;
    if (p >= 0.05 || y === 1) { this.brierHigh += (p - y) ** 2; this.nHigh++; }
  }
  toJSON() {
    let ece = 0;
    for (const b of this.bins) if (b.n) ece += (b.n / this.n) * Math.abs(b.p / b.n - b.y / b.n);
    return {
      pairs: this.n,
      brier: this.n ? this.brier / this.n : null,
      brierRelevant: this.nHigh ? this.brierHigh / this.nHigh : null,
      relevantPairs: this.nHigh,
      expectedCalibrationError: ece,
      reliability: this.bins.map((b, i) => ({ bin: `${(i / 10).toFixed(1)}-${((i + 1) / 10).toFixed(1)}`, pairs: b.n, meanPredicted: b.n ? +(b.p / b.n).toFixed(4) : null, observed: b.n ? +(b.y / b.n).toFixed(4) : null })),
    };
  }
}

interface Eval {
  truePairs: Map<string, string>; // key → kind
  siblingPairs: Set<string>;
  seen: Set<string>;
  proposed: Set<string>;
  /** highest same-child probability seen per pair (for the precision/recall curve) */
  bestP: Map<string, number>;
  proposedTrue: Set<string>;
  siblingAsSame: Set<string>;
  siblingSurfaced: Set<string>;
  top5: { hits: number; total: number };
  /** why a record's partner was not among its top 5: never scored (the candidate cut), scored but
   * judged a sibling, or scored as the same child and outranked by five or more look-alikes */
  top5Misses: { notScored: number; labelledSibling: number; outranked: number };
  calib: Calibration;
  perCulture: Map<string, { tp: number; total: number }>;
  missedExamples: string[];
  fpExamples: string[];
}

function newEval(): Eval {
  return {
    truePairs: new Map(), siblingPairs: new Set(), seen: new Set(), proposed: new Set(), bestP: new Map(), proposedTrue: new Set(),
    siblingAsSame: new Set(), siblingSurfaced: new Set(), top5: { hits: 0, total: 0 }, top5Misses: { notScored: 0, labelledSibling: 0, outranked: 0 }, calib: new Calibration(),
    perCulture: new Map(), missedExamples: [], fpExamples: [],
  };
}

const allowed = (a: RecMeta, b: RecMeta) => a.agency === b.agency || (a.consent && b.consent);
function pairKind(a: RecMeta, b: RecMeta): string {
  return a.side !== b.side ? 'child-sought' : a.side === 'child' ? 'duplicate-child' : 'same-sought-child';
}

/** register truth pairs of one sampled family */
function addFamilyPairs(ev: Eval, recs: MatchRecord[], meta: Map<string, RecMeta>, cross = false): void {
  for (let i = 0; i < recs.length; i++) for (let j = i + 1; j < recs.length; j++) {
    const a = meta.get(recs[i].id)!, b = meta.get(recs[j].id)!;
    if (!allowed(a, b)) continue;
    if (cross && a.side === b.side) continue;
    const k = pairKey(recs[i].id, recs[j].id);
    if (a.t.person === b.t.person) ev.truePairs.set(k, pairKind(a, b));
    else if (!(a.side === 'sought' && b.side === 'sought' && a.group === b.group)) ev.siblingPairs.add(k);
  }
}

function summarise(ev: Eval, threshold: number) {
  const byKind: Record<string, { pairs: number; reachedScoring: number; proposed: number }> = {};
  let reached = 0;
  for (const [k, kind] of ev.truePairs) {
    const e = (byKind[kind] ??= { pairs: 0, reachedScoring: 0, proposed: 0 });
    e.pairs++;
    if (ev.seen.has(k)) { e.reachedScoring++; reached++; }
    if (ev.proposedTrue.has(k)) e.proposed++;
  }
  const tp = ev.proposedTrue.size;
  const fp = ev.proposed.size - tp;
  const precision = ev.proposed.size ? tp / ev.proposed.size : 1;
  const recall = ev.truePairs.size ? tp / ev.truePairs.size : 1;
  // precision/recall at other thresholds (a deployment's policy choice; the model's is `threshold`)
  const curve = ev.bestP.size === 0 ? undefined : [0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99].map((t) => {
    let prop = 0, hit = 0;
    for (const [k, p] of ev.bestP) {
      if (p < t) continue;
      prop++;
      if (ev.truePairs.has(k)) hit++;
    }
    return { threshold: t, proposed: prop, precision: prop ? +(hit / prop).toFixed(4) : 1, recall: ev.truePairs.size ? +(hit / ev.truePairs.size).toFixed(4) : 1 };
  });
  const perKind = Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, { ...v, pairsCompleteness: v.reachedScoring / v.pairs, recall: v.proposed / v.pairs }]));
  return {
    threshold,
    truePairs: ev.truePairs.size,
    pairsCompleteness: ev.truePairs.size ? reached / ev.truePairs.size : 1,
    proposedPairs: ev.proposed.size,
    truePositives: tp,
    falsePositives: fp,
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    top5Recall: ev.top5.total ? ev.top5.hits / ev.top5.total : 1,
    top5Records: ev.top5.total,
    top5Misses: ev.top5Misses,
    siblingPairs: ev.siblingPairs.size,
    siblingPairsProposedAsSameChild: ev.siblingAsSame.size,
    siblingPairsProposedAsSameChildRate: ev.siblingPairs.size ? ev.siblingAsSame.size / ev.siblingPairs.size : 0,
    siblingPairsSurfacedAsSiblings: ev.siblingSurfaced.size,
    precisionRecallCurve: curve,
    perKind,
    perCultureChildSoughtRecall: Object.fromEntries([...ev.perCulture].map(([c, v]) => [c, +(v.tp / v.total).toFixed(4)])),
    calibration: ev.calib.toJSON(),
  };
}

// --------------------------------------------------------------- one run ---

async function runSize(size: number, model: ReturnType<typeof loadModel> | undefined) {
  const t0 = performance.now();
  const sampleTarget = Number(arg('queries') ?? (size <= 20000 ? Infinity : size >= 500000 ? 3000 : 6000));
  // share of families whose records are queried (families generate ~2.7 records each)
  const sampleRate = sampleTarget === Infinity ? 1 : Math.min(1, sampleTarget / (2 * size));
  const sampled = (f: number) => sampleRate >= 1 || (hashSeed(seed, f, 99) % 1_000_000) / 1_000_000 < sampleRate;

  gc();
  const mem0 = memNow();
  const engine = new MatchingEngine({ model, ...engineOptions });
  const meta = new Map<string, RecMeta>();
  const sampleFamilies: MatchRecord[][] = [];
  const counters = { child: 0, request: 0 };
  let nChild = 0, nSought = 0, families = 0;
  let upsertMs = 0;
  const tGen = performance.now();
  while (nChild < size || nSought < size) {
    const fam = generateFamily(seed, families, counters);
    const keep: MatchRecord[] = [];
    for (const r of fam.records) {
      if (r.side === 'child' ? nChild >= size : nSought >= size) continue;
      const u0 = performance.now();
      engine.upsert(r);
      upsertMs += performance.now() - u0;
      if (r.side === 'child') nChild++; else nSought++;
      keep.push(r);
    }
    if (sampled(families) && keep.length) {
      for (const r of keep) {
        const t = fam.truth.get(r.id)!;
        meta.set(r.id, { t, side: r.side, agency: r.agencyId, consent: r.consentForTracing, group: r.groupId, culture: t.culture });
      }
      sampleFamilies.push(keep);
    }
    families++;
    if ((families & 1023) === 0) samplePeak();
  }
  const loadSeconds = (performance.now() - tGen) / 1000;
  samplePeak();
  gc();
  const mem1 = memNow();
  const indexBytes = mem1.heapUsed + mem1.external - (mem0.heapUsed + mem0.external);
  const stats = engine.stats();
  console.log(`[${size}] loaded ${nChild} children + ${nSought} sought (${families} families) in ${loadSeconds.toFixed(1)}s; upsert ${(upsertMs / 1000).toFixed(1)}s; index ≈ ${(indexBytes / 2 ** 20).toFixed(0)} MiB`);

  // ---------------------------------------------------------- quality ---
  const ev = newEval();
  const threshold = engine.threshold;
  for (const fam of sampleFamilies) {
    addFamilyPairs(ev, fam, meta);
    for (const a of fam) for (const b of fam) {
      const ma = meta.get(a.id)!, mb = meta.get(b.id)!;
      if (a !== b && ma.side !== mb.side && ma.t.person === mb.t.person && allowed(ma, mb)) {
        const l = partnerIndex.get(a.id) ?? [];
        l.push(b.id);
        partnerIndex.set(a.id, l);
      }
    }
  }
  const queries = sampleFamilies.flat();
  const tq = performance.now();
  let qCount = 0;
  for (const rec of queries) {
    const res: MatchCandidate[] = engine.match(rec, { minProbability: 0, limit: 1e9, explain: false });
    qCount++;
    const a = meta.get(rec.id)!;
    let top5Taken = 0;
    let top5Hit = false;
    let partnerScored: 'no' | 'sibling' | 'same' = 'no';
    const otherSide = new Set(partnerIndex.get(rec.id) ?? []);
    const partners = new Set<string>();
    for (const res1 of res) {
      const o = res1.otherId;
      const b = meta.get(o);
      const k = b ? pairKey(rec.id, o) : '';
      if (b && ev.truePairs.has(k)) ev.seen.add(k);
      const same = b !== undefined && b.t.person === a.t.person;
      const sameChild = res1.kind !== 'possible-sibling';
      ev.calib.add(res1.probabilities?.sameChild ?? res1.probability, same ? 1 : 0);
      if (sameChild) {
        const pk = pairKey(rec.id, o);
        if ((ev.bestP.get(pk) ?? -1) < res1.probability) ev.bestP.set(pk, res1.probability);
      }
      if (sameChild && res1.probability >= threshold) {
        if (b) ev.proposed.add(k);
        if (same && ev.truePairs.has(k)) ev.proposedTrue.add(k);
        if (!same && b && b.t.family === a.t.family && ev.siblingPairs.has(k)) ev.siblingAsSame.add(k);
        if (!b) ev.proposed.add(pairKey(rec.id, o));
        if (!same && debug && ev.fpExamples.length < 40) ev.fpExamples.push(`${rec.id} ~ ${o} p=${res1.probability.toFixed(3)}`);
      }
      if (!sameChild && b && b.t.family === a.t.family && !same && ev.siblingPairs.has(k)) ev.siblingSurfaced.add(k);
      if (res1.kind === 'child-sought' && top5Taken < 5) {
        top5Taken++;
        if (same) top5Hit = true;
      }
      if (same) partners.add(o);
      if (otherSide.has(o)) partnerScored = sameChild ? 'same' : partnerScored === 'same' ? 'same' : 'sibling';
    }
    // top-5: records with at least one (consent-allowed) partner on the other side
    if ((partnerIndex.get(rec.id) ?? []).length > 0) {
      ev.top5.total++;
      if (top5Hit) ev.top5.hits++;
      else ev.top5Misses[partnerScored === 'no' ? 'notScored' : partnerScored === 'sibling' ? 'labelledSibling' : 'outranked']++;
      const pc = ev.perCulture.get(a.culture) ?? { tp: 0, total: 0 };
      pc.total++;
      if ([...partners].some((p) => meta.get(p)!.side !== a.side && ev.proposedTrue.has(pairKey(rec.id, p)))) pc.tp++;
      ev.perCulture.set(a.culture, pc);
    }
    if ((qCount & 1023) === 0) samplePeak();
  }
  const qualitySeconds = (performance.now() - tq) / 1000;
  if (debug) {
    for (const [k] of ev.truePairs) if (!ev.seen.has(k) && ev.missedExamples.length < 40) ev.missedExamples.push(k);
  }
  const quality = summarise(ev, threshold);
  // every scored pair's best probability (millions of map entries at 10k): summarised, so released,
  // or the collector's full traces of it would show up as latency below
  for (const m of [ev.bestP, ev.seen, ev.proposed, ev.proposedTrue]) m.clear();

  // ---------------------------------------------------------- latency ---
  const latQ = queries.slice(0, Number(arg('latency-queries') ?? 2000));
  const lat: number[] = [];
  let proposals = 0;
  // the quality phase's garbage is collected first (a service matching records does not carry it);
  // the pauses the collector still takes while matching are reported beside the latencies
  gc();
  const gcPauses: number[] = [];
  const gcObserver = new PerformanceObserver((list) => { for (const e of list.getEntries()) gcPauses.push(e.duration); });
  gcObserver.observe({ entryTypes: ['gc'] });
  const tl = performance.now();
  for (const rec of latQ) {
    const s = performance.now();
    const res = engine.match(rec);
    lat.push(performance.now() - s);
    proposals += res.length;
  }
  const latSeconds = (performance.now() - tl) / 1000;
  // the slowest query again: slow by itself (its blocks, its candidates) or by what happened around it
  const slowest = lat.indexOf(Math.max(...lat));
  const r0 = performance.now();
  if (slowest >= 0) engine.match(latQ[slowest]);
  const slowestAgainMs = performance.now() - r0;
  await new Promise((resolve) => setTimeout(resolve, 100)); // the observer is told on a later tick
  gcObserver.disconnect();
  samplePeak();
  const latency = {
    queries: latQ.length,
    p50Ms: quantile(lat, 0.5),
    p95Ms: quantile(lat, 0.95),
    p99Ms: quantile(lat, 0.99),
    maxMs: Math.max(...lat),
    recordsMatchedPerSecond: latQ.length / latSeconds,
    meanProposalsReturned: proposals / Math.max(1, latQ.length),
    slowestAgainMs,
    gcPauses: gcPauses.length,
    gcMaxPauseMs: gcPauses.length ? Math.max(...gcPauses) : 0,
  };
  console.log(`[${size}] quality over ${queries.length} queries in ${qualitySeconds.toFixed(1)}s; latency p50 ${latency.p50Ms.toFixed(2)} ms p95 ${latency.p95Ms.toFixed(2)} ms`);
  if (debug) {
    console.log('missed by blocking:', ev.missedExamples.slice(0, 20));
    console.log('false positives:', ev.fpExamples.slice(0, 20));
  }

  // --------------------------------------------------------- baseline ---
  let baseline: unknown = null;
  const baselineQueries = Number(arg('baseline-queries') ?? (size <= 20000 ? 1e9 : 1500));
  if (!flag('no-baseline') && size <= 200000) {
    const bl = new PrimeroBaseline();
    const c2 = { child: 0, request: 0 };
    let nc = 0, ns = 0;
    for (let f = 0; f < families; f++) {
      for (const r of generateFamily(seed, f, c2).records) {
        if (r.side === 'child' ? nc >= size : ns >= size) continue;
        bl.add(r);
        if (r.side === 'child') nc++; else ns++;
      }
    }
    const bev = newEval();
    const bq = queries.slice(0, baselineQueries);
    const inQ = new Set(bq.map((r) => r.id));
    for (const fam of sampleFamilies) {
      const recs = fam.filter((r) => inQ.has(r.id));
      if (recs.length) addFamilyPairs(bev, fam, meta, true);
    }
    // keep only child-sought truth/sibling pairs with at least one queried endpoint
    for (const k of [...bev.truePairs.keys()]) { const [x, y] = k.split('|'); if (!inQ.has(x) && !inQ.has(y)) bev.truePairs.delete(k); }
    for (const k of [...bev.siblingPairs]) { const [x, y] = k.split('|'); if (!inQ.has(x) && !inQ.has(y)) bev.siblingPairs.delete(k); }
    const tb = performance.now();
    const blat: number[] = [];
    for (const rec of bq) {
      const s = performance.now();
      const hits = bl.match(rec);
      blat.push(performance.now() - s);
      const a = meta.get(rec.id)!;
      let rank = 0;
      let hit5 = false;
      for (const h of hits) {
        const k = pairKey(rec.id, h.id);
        bev.seen.add(k);
        const b = meta.get(h.id);
        const same = b !== undefined && b.t.person === a.t.person;
        bev.calib.add(h.normalised, same ? 1 : 0);
        if (h.likely) {
          bev.proposed.add(k);
          if (same && bev.truePairs.has(k)) bev.proposedTrue.add(k);
          if (!same && b && b.t.family === a.t.family && bev.siblingPairs.has(k)) bev.siblingAsSame.add(k);
        }
        if (rank++ < 5 && same) hit5 = true;
      }
      if ((partnerIndex.get(rec.id) ?? []).length > 0 && !(rec.side === 'child' && !rec.consentForTracing)) {
        bev.top5.total++;
        if (hit5) bev.top5.hits++;
        const pc = bev.perCulture.get(a.culture) ?? { tp: 0, total: 0 };
        pc.total++;
        if (hits.some((h) => h.likely && meta.get(h.id)?.t.person === a.t.person)) pc.tp++;
        bev.perCulture.set(a.culture, pc);
      }
    }
    const bs = summarise(bev, NaN);
    baseline = {
      scorer: 'Primero-like (boosted OR query, Soundex, text ages/dates, normalised to best hit, "likely" = proposal)',
      queries: bq.length,
      ...bs,
      latency: { p50Ms: quantile(blat, 0.5), p95Ms: quantile(blat, 0.95), seconds: (performance.now() - tb) / 1000 },
    };
    console.log(`[${size}] baseline over ${bq.length} queries`);
  }

  return {
    size,
    population: {
      children: nChild, sought: nSought, families,
      queriedRecords: queries.length, sampledFamilies: sampleFamilies.length, sampleRate,
    },
    load: { seconds: loadSeconds, upsertSeconds: upsertMs / 1000, upsertsPerSecond: (nChild + nSought) / (upsertMs / 1000) },
    index: { memoryBytes: indexBytes, memoryMiB: +(indexBytes / 2 ** 20).toFixed(1), bytesPerRecord: Math.round(indexBytes / (nChild + nSought)), stats },
    quality: { ...quality, seconds: qualitySeconds },
    latency,
    baseline,
    peakRssMiB: +(peakRss / 2 ** 20).toFixed(0),
    wallSeconds: (performance.now() - t0) / 1000,
  };
}

// partner index: record id → same-person records on the other side (consent-allowed)
const partnerIndex = new Map<string, string[]>();

async function main() {
  const model = modelFile ? loadModel(JSON.parse(fs.readFileSync(modelFile, 'utf8'))) : undefined;
  const runs = [];
  for (const size of sizes) {
    partnerIndex.clear();
    const r = await runSize(size, model);
    runs.push({ command: 'npm run bench:matching' + (argv.length ? ' -- ' + argv.join(' ') : ''), modelVersion: new MatchingEngine({ model }).modelVersion, ...r });
  }
  if (flag('merge') && fs.existsSync(outFile)) {
    // one results file: runs of other sizes from earlier invocations stay, each with its own command
    const prev = JSON.parse(fs.readFileSync(outFile, 'utf8')) as { command?: string; runs?: Array<{ size: number; command?: string }> };
    for (const old of prev.runs ?? []) {
      if (runs.some((x) => x.size === old.size)) continue;
      runs.push({ command: prev.command, ...old } as (typeof runs)[number]);
    }
    runs.sort((a, b) => a.size - b.size);
  }
  const eng = new MatchingEngine({ model });
  const result = {
    benchmark: 'kinlink matching',
    generatedAt: new Date().toISOString(),
    command: 'npm run bench:matching' + (argv.length ? ' -- ' + argv.join(' ') : ''),
    seed,
    node: process.version,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, totalMemGiB: +(os.totalmem() / 2 ** 30).toFixed(1) },
    engine: { modelVersion: eng.modelVersion, options: engineOptions },
    profile: { name: 'hard', cultures: Object.fromEntries(CULTURES.map((c) => [c.id, c.weight])), agencies: AGENCIES.length, noise: NOISE },
    targets: {
      pairsCompleteness: 0.995, recall: 0.98, precision: 0.97, top5Recall: 0.99, siblingPairsProposedAsSameChildRate: 0.01,
      p95MsAt1M: 20, indexMemoryGiBAt1M: 2,
    },
    runs,
  };
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, JSON.stringify(result, null, 2) + '\n');
  printSummary(result.runs);
  console.log(`\nwritten ${path.relative(process.cwd(), outFile)}`);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function printSummary(runs: any[]): void {
  const rows: Array<[string, ...string[]]> = [];
  const head = ['metric', ...runs.flatMap((r) => [`engine ${r.size}`, r.baseline ? `baseline ${r.size}` : null].filter(Boolean) as string[])];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const cell = (r: any, f: (q: any) => string, b = false) => (b ? (r.baseline ? f(r.baseline) : null) : f(r.quality));
  const add = (name: string, f: (q: any) => string, withBaseline = true) => // eslint-disable-line @typescript-eslint/no-explicit-any
    rows.push([name, ...runs.flatMap((r) => [cell(r, f), r.baseline ? (withBaseline ? cell(r, f, true) : '–') : null].filter((x) => x !== null) as string[])]);
  add('pairs completeness', (q) => pct(q.pairsCompleteness));
  add('precision @ threshold', (q) => pct(q.precision));
  add('recall @ threshold', (q) => pct(q.recall));
  add('F1', (q) => q.f1.toFixed(4));
  for (const t of [0.9, 0.97]) {
    add(`precision / recall @ ${t}`, (q) => {
      const c = q.precisionRecallCurve?.find((x: { threshold: number }) => x.threshold === t);
      return c ? `${pct(c.precision)} / ${pct(c.recall)}` : '–';
    });
  }
  add('top-5 recall', (q) => pct(q.top5Recall));
  add('top-5 misses: not scored / sibling / outranked', (q) => (q.top5Misses ? `${q.top5Misses.notScored} / ${q.top5Misses.labelledSibling} / ${q.top5Misses.outranked}` : '–'), false);
  add('siblings proposed as same', (q) => `${q.siblingPairsProposedAsSameChild}/${q.siblingPairs} (${pct(q.siblingPairsProposedAsSameChildRate)})`);
  add('Brier (all scored pairs)', (q) => (q.calibration.brier ?? NaN).toFixed(5));
  add('Brier (p≥0.05 or true)', (q) => (q.calibration.brierRelevant ?? NaN).toFixed(4));
  add('ECE', (q) => q.calibration.expectedCalibrationError.toFixed(4));
  rows.push(['p50 / p95 ms per match', ...runs.flatMap((r) => [`${r.latency.p50Ms.toFixed(2)} / ${r.latency.p95Ms.toFixed(2)}`, r.baseline ? `${r.baseline.latency.p50Ms.toFixed(2)} / ${r.baseline.latency.p95Ms.toFixed(2)}` : null].filter((x) => x !== null) as string[])]);
  rows.push(['max ms (that query again; largest GC pause)', ...runs.flatMap((r) => [`${r.latency.maxMs.toFixed(1)} (${(r.latency.slowestAgainMs ?? NaN).toFixed(1)}; ${(r.latency.gcMaxPauseMs ?? NaN).toFixed(1)})`, r.baseline ? '–' : null].filter((x) => x !== null) as string[])]);
  rows.push(['records matched / s', ...runs.flatMap((r) => [r.latency.recordsMatchedPerSecond.toFixed(0), r.baseline ? '–' : null].filter((x) => x !== null) as string[])]);
  rows.push(['index memory MiB', ...runs.flatMap((r) => [String(r.index.memoryMiB), r.baseline ? '–' : null].filter((x) => x !== null) as string[])]);
  rows.push(['peak RSS MiB', ...runs.flatMap((r) => [String(r.peakRssMiB), r.baseline ? '–' : null].filter((x) => x !== null) as string[])]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ');
  console.log('\n' + line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

import { estimateEM, estimateFromLabelledPairs, fitCalibration, LabelledPair } from './estimate';
import { FIELDS, loadModel } from './model';
import { BOOTSTRAP_MODEL } from './model/bootstrap-model';

/** synthetic comparison vectors: matches agree on most fields, non-matches rarely */
function vectors(n: number, match: boolean, seed: number): Int8Array[] {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  return Array.from({ length: n }, () => Int8Array.from(FIELDS.map((f) => {
    if (rnd() < 0.2) return -1; // missing
    const last = f.levels.length - 1;
    return match ? (rnd() < 0.85 ? 0 : Math.floor(rnd() * f.levels.length)) : (rnd() < 0.85 ? last : Math.floor(rnd() * f.levels.length));
  })));
}

describe('estimation', () => {
  it('estimates m, mSibling and u from labelled and random pairs', () => {
    const pairs: LabelledPair[] = [
      ...vectors(2000, true, 1).map((levels) => ({ levels, label: 'match' as const })),
      ...vectors(500, false, 2).map((levels) => ({ levels, label: 'sibling' as const })),
    ];
    const { model, counts } = estimateFromLabelledPairs(pairs, vectors(5000, false, 3), BOOTSTRAP_MODEL, { modelVersion: 'test-1' });
    expect(counts).toEqual({ match: 2000, sibling: 500, random: 5000 });
    expect(model.modelVersion).toBe('test-1');
    const first = model.fields['name.first'];
    expect(first.exact.m).toBeGreaterThan(0.8);
    expect(first.exact.u).toBeLessThan(0.05);
    expect(first.none.u).toBeGreaterThan(0.8);
    expect(() => loadModel(model)).not.toThrow();
    for (const f of FIELDS) {
      const sum = f.levels.reduce((a, l) => a + model.fields[f.name][l].m, 0);
      expect(sum).toBeCloseTo(1, 2);
    }
  });

  it('EM recovers the match share and m probabilities without labels', () => {
    const data = [...vectors(1000, true, 4), ...vectors(9000, false, 5)];
    const { model, matchShare } = estimateEM(data, BOOTSTRAP_MODEL, { iterations: 50 });
    expect(matchShare).toBeGreaterThan(0.05);
    expect(matchShare).toBeLessThan(0.2);
    expect(model.fields.sex.agree.m).toBeGreaterThan(model.fields.sex.disagree.m);
    expect(() => loadModel(model)).not.toThrow();
  });

  it('fits a dependence calibration that shrinks a redundant field', () => {
    // fields 0 and 1 always agree or disagree together (a perfectly correlated copy): the fit discounts them
    const model = loadModel(BOOTSTRAP_MODEL);
    let s = 9;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
    const samples = Array.from({ length: 6000 }, () => {
      const label = rnd() < 0.3 ? 'same' as const : 'unrelated' as const;
      const agree = label === 'same' ? rnd() < 0.9 : rnd() < 0.1;
      const levels = new Array(FIELDS.length).fill(-1);
      levels[0] = agree ? 0 : FIELDS[0].levels.length - 1;
      levels[1] = agree ? 0 : FIELDS[1].levels.length - 1;
      return { levels, tf: 0, prior: 0, siblingPrior: 0, label };
    });
    const cal = fitCalibration(samples, model, { l2: 1, perLevel: false });
    expect(cal.fieldScale![FIELDS[0].name] + cal.fieldScale![FIELDS[1].name]).toBeLessThan(1.5);
    expect(() => loadModel({ ...BOOTSTRAP_MODEL, calibration: cal })).not.toThrow();
    // per-level weights: the joint agreement gets about the evidence of one field, not two
    const lv = fitCalibration(samples, model, { l2: 1 });
    const w0 = lv.levelWeights![FIELDS[0].name][FIELDS[0].levels[0]];
    const w1 = lv.levelWeights![FIELDS[1].name][FIELDS[1].levels[0]];
    const fs = model.weights[0][0] + model.weights[1][0];
    expect(w0 + w1).toBeLessThan(fs);
    expect(() => loadModel({ ...BOOTSTRAP_MODEL, calibration: lv })).not.toThrow();
  });
});

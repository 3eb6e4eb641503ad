import { DEFAULT_MODEL_JSON, loadModel, noneOddsOf, oneToOneAt, MatchModelJson } from './index';

const shipped = (): MatchModelJson => JSON.parse(JSON.stringify(DEFAULT_MODEL_JSON));
/** a model whose one-to-one stage is the given size table */
const withTable = (bySize: unknown): MatchModelJson => {
  const j = shipped();
  return { ...j, oneToOne: { slope: 1, intercept: 0, bySize } as MatchModelJson['oneToOne'] };
};
const table = [
  { population: 10000, slope: 1.0, intercept: 1.8 },
  { population: 30000, slope: 0.96, intercept: 1.5 },
  { population: 100000, slope: 0.93, intercept: 1.2 },
];

describe('one-to-one calibration by population size', () => {
  it('without a size table, the same slope and intercept at every size (models before kinlink-fs-1.5.0)', () => {
    const j = shipped();
    delete j.oneToOne!.bySize;
    const cal = loadModel(j).oneToOne!;
    expect(cal.bySize).toBeNull();
    for (const n of [1, 1000, 10000, 1e6]) expect(oneToOneAt(cal, n)).toEqual({ slope: j.oneToOne!.slope, intercept: j.oneToOne!.intercept });
  });

  it('takes the table entry at a fitted size and interpolates in log2 N between sizes', () => {
    const cal = loadModel(withTable(table)).oneToOne!;
    for (const e of table) expect(oneToOneAt(cal, e.population)).toEqual({ slope: e.slope, intercept: e.intercept });
    // the geometric mean of two fitted sizes is halfway in log2 N
    const mid = oneToOneAt(cal, Math.sqrt(10000 * 30000));
    expect(mid.intercept).toBeCloseTo((1.8 + 1.5) / 2, 12);
    expect(mid.slope).toBeCloseTo((1.0 + 0.96) / 2, 12);
    // not linear in N: a quarter of the way from 10k to 30k in log2 N is well below 15k
    expect(oneToOneAt(cal, 10000 * Math.pow(3, 0.25)).intercept).toBeCloseTo(1.8 - 0.25 * 0.3, 12);
  });

  it('is monotone in N within the fitted range', () => {
    const cal = loadModel(withTable(table)).oneToOne!;
    let last = Infinity;
    for (let n = 10000; n <= 100000; n *= 1.05) {
      const { slope, intercept } = oneToOneAt(cal, n);
      // a middling posterior (log2 odds 0.5) after calibration falls as the population grows
      const z = slope * 0.5 + intercept;
      expect(z).toBeLessThanOrEqual(last + 1e-12);
      last = z;
    }
  });

  it('is held at the nearest fitted size outside the table, not extrapolated', () => {
    const cal = loadModel(withTable(table)).oneToOne!;
    for (const n of [1, 500, 9999]) expect(oneToOneAt(cal, n)).toEqual({ slope: 1.0, intercept: 1.8 });
    for (const n of [100001, 1e6, 1e9]) expect(oneToOneAt(cal, n)).toEqual({ slope: 0.93, intercept: 1.2 });
    // a one-entry table is a constant
    const one = loadModel(withTable([{ population: 50000, slope: 0.9, intercept: 0.4 }])).oneToOne!;
    for (const n of [1, 50000, 1e7]) expect(oneToOneAt(one, n)).toEqual({ slope: 0.9, intercept: 0.4 });
  });

  it.each([
    ['not an array', { population: 10000, slope: 1, intercept: 0 }, /bySize must be a non-empty array/],
    ['empty', [], /bySize must be a non-empty array/],
    ['an entry not an object', [null], /bySize\[0\] must be an object/],
    ['no population', [{ slope: 1, intercept: 0 }], /bySize\[0\]\.population/],
    ['population below 1', [{ population: 0, slope: 1, intercept: 0 }], /bySize\[0\]\.population/],
    ['sizes not ascending', [table[1], table[0]], /bySize\[1\]\.population must exceed/],
    ['a size twice', [table[0], table[0]], /bySize\[1\]\.population must exceed/],
    ['slope not positive', [{ ...table[0], slope: 0 }], /bySize\[0\]\.slope/],
    ['intercept not a number', [{ ...table[0], intercept: 'x' }], /bySize\[0\]\.intercept/],
    ['intercept not finite', [{ ...table[0], intercept: Infinity }], /bySize\[0\]\.intercept/],
  ])('rejects a size table that is %s', (_, bySize, message) => {
    expect(() => loadModel(withTable(bySize))).toThrow(message);
  });
});

describe('one-to-one stage: "no partner stored"', () => {
  it('is 1 unless the model says unpartnered-rate; then 1 − the kind\'s base rate, floored', () => {
    const j = shipped();
    expect(noneOddsOf(loadModel(j), 'child-sought')).toBe(j.oneToOne?.none === 'unpartnered-rate' ? 1 - j.prior['child-sought'] : 1);
    const m = loadModel({ ...j, oneToOne: { ...j.oneToOne!, none: 'unpartnered-rate' } });
    expect(noneOddsOf(m, 'child-sought')).toBeCloseTo(1 - j.prior['child-sought'], 12);
    expect(noneOddsOf(m, 'duplicate-child')).toBeCloseTo(1 - j.prior['duplicate-child'], 12);
    // a kind expecting a partner or more per record keeps a floor instead of odds ≤ 0
    const many = loadModel({ ...j, prior: { ...j.prior, 'same-sought-child': 1.4 }, oneToOne: { ...j.oneToOne!, none: 'unpartnered-rate' } });
    expect(noneOddsOf(many, 'same-sought-child')).toBe(0.05);
    expect(noneOddsOf(loadModel({ ...j, oneToOne: { ...j.oneToOne!, none: 'one' } }), 'child-sought')).toBe(1);
  });

  it('refuses another value', () => {
    expect(() => loadModel({ ...shipped(), oneToOne: { slope: 1, intercept: 0, none: 'half' as never } })).toThrow(/oneToOne\.none/);
  });
});

describe('one-to-one stage: an intercept offset per kind of match', () => {
  it('adds the kind\'s offset to the intercept at every size; child ↔ sought is the reference', () => {
    const j = withTable(table);
    const cal = loadModel({ ...j, oneToOne: { ...j.oneToOne!, kindOffset: { 'duplicate-child': 0.5, 'same-sought-child': -0.25 } } }).oneToOne!;
    for (const n of [1, 10000, 17320, 100000, 1e7]) {
      const base = oneToOneAt(cal, n);
      expect(oneToOneAt(cal, n, 'child-sought')).toEqual(base);
      expect(oneToOneAt(cal, n, 'duplicate-child')).toEqual({ slope: base.slope, intercept: base.intercept + 0.5 });
      expect(oneToOneAt(cal, n, 'same-sought-child').intercept).toBeCloseTo(base.intercept - 0.25, 12);
    }
    // absent: no offset for any kind (models before 1.6.0)
    const plain = loadModel(withTable(table)).oneToOne!;
    expect(oneToOneAt(plain, 20000, 'duplicate-child')).toEqual(oneToOneAt(plain, 20000));
  });

  it('refuses an offset for child ↔ sought or a kind it does not know, and one that is not a number', () => {
    const j = shipped();
    expect(() => loadModel({ ...j, oneToOne: { ...j.oneToOne!, kindOffset: { 'child-sought': 1 } as never } })).toThrow(/only duplicate-child and same-sought-child/);
    expect(() => loadModel({ ...j, oneToOne: { ...j.oneToOne!, kindOffset: { 'duplicate-child': 'high' } as never } })).toThrow(/kindOffset\.duplicate-child must be a number/);
  });
});

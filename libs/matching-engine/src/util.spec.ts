import { IdIndex } from './idindex';
import { IntVec, TextHeap, hash32, kthLargest } from './util';
import { PostingIndex } from './blocking';
import { BirthKind, CUT_BIRTH_BASE, CUT_HAS_BIRTH, CUT_SEX, CUT_SPILLED, cutFacts } from './prepare';

describe('compact containers', () => {
  it('IntVec grows', () => {
    const v = new IntVec(2);
    for (let i = 0; i < 1000; i++) v.push(i * 3);
    expect(v.length).toBe(1000);
    expect(v.get(999)).toBe(2997);
  });
  it('IntVec.append copies a range, growing as needed', () => {
    const v = new IntVec(4);
    v.push(-1);
    const src = Int32Array.from({ length: 100 }, (_, i) => i);
    v.append(src, 10, 60);
    v.append(src, 5, 5);
    expect(v.length).toBe(51);
    expect(Array.from(v.data.subarray(0, v.length))).toEqual([-1, ...Array.from({ length: 50 }, (_, i) => i + 10)]);
  });
  it('TextHeap round-trips any script', () => {
    const t = new TextHeap();
    const xs = ['Mohamed', 'محمد', 'Олександр', 'ተስፋይ', '', 'x'.repeat(70000)];
    const offs = xs.map((x) => t.add(x));
    expect(offs.map((o) => t.get(o))).toEqual(xs);
    expect(t.get(-1)).toBeUndefined();
  });
  it('hash32 is never 0', () => {
    for (let i = 0; i < 10000; i++) expect(hash32('k' + i)).not.toBe(0);
  });
  it('IdIndex maps ids both ways, with deletes and growth', () => {
    const ix = new IdIndex();
    for (let n = 0; n < 20000; n++) ix.add(`t${n}#1`, n);
    expect(ix.get('t123#1')).toBe(123);
    expect(ix.idOf(19999)).toBe('t19999#1');
    for (let n = 0; n < 20000; n += 2) ix.delete(`t${n}#1`);
    expect(ix.get('t124#1')).toBeUndefined();
    expect(ix.get('t125#1')).toBe(125);
    expect(ix.size).toBe(10000);
    ix.add('t124#1', 20000);
    expect(ix.get('t124#1')).toBe(20000);
    expect(ix.has('nope')).toBe(false);
  });
  it('PostingIndex keeps counts and lists', () => {
    const p = new PostingIndex(4);
    for (let i = 0; i < 5000; i++) p.add((i % 97) + 1, i);
    expect(p.count(1)).toBe(Math.ceil(5000 / 97));
    expect(p.count(12345)).toBe(0);
    const got = p.values(5);
    expect(got.length).toBe(p.count(5));
    expect(got.every((v) => v % 97 === 4)).toBe(true);
    expect(p.distinctKeys).toBe(97);
  });
  it('PostingIndex compaction keeps every live posting, drops dead ones, and accepts more', () => {
    const p = new PostingIndex(4);
    for (let i = 0; i < 5000; i++) p.add((i % 97) + 1, i);
    const before = p.values(5).sort((a, b) => a - b);
    p.compact((v) => v === 4);
    expect(p.values(5).sort((a, b) => a - b)).toEqual(before.filter((v) => v !== 4));
    expect(p.count(5)).toBe(before.length - 1);
    p.add(5, 99999);
    p.add(4242, 7);
    expect(p.values(5)).toContain(99999);
    expect(p.count(5)).toBe(before.length);
    expect(p.values(4242)).toEqual([7]);
    expect(p.postings).toBe(5000 - 1 + 2);
  });
});

describe('kthLargest', () => {
  it('finds the value a descending sort puts at rank k, ties and all', () => {
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(rnd() * 400);
      const xs = new Float32Array(n);
      // few distinct values in some trials (vote totals tie a lot), continuous in others
      const distinct = trial % 3 === 0 ? 4 : 1000;
      for (let i = 0; i < n; i++) xs[i] = Math.floor(rnd() * distinct) / 7 - (trial % 2 ? 3 : 0);
      const sorted = Array.from(xs).sort((a, b) => b - a);
      const k = 1 + Math.floor(rnd() * n);
      expect(kthLargest(xs.slice(), n, k)).toBe(sorted[k - 1]);
    }
  });
  it('looks only at the first n values and refuses a rank outside them', () => {
    const xs = Float32Array.from([1, 9, 5, 100]);
    expect(kthLargest(xs, 3, 1)).toBe(9);
    expect(kthLargest(Float32Array.from([1, 9, 5, 100]), 3, 3)).toBe(1);
    expect(() => kthLargest(xs, 3, 4)).toThrow(RangeError);
    expect(() => kthLargest(xs, 3, 0)).toThrow(RangeError);
  });
});

describe('cutFacts (the candidate cut reads sex and birth range from one word per record)', () => {
  const unpack = (w: number) => ({
    sex: w & CUT_SEX, hasBirth: (w & CUT_HAS_BIRTH) !== 0, spilled: (w & CUT_SPILLED) !== 0,
    lo: CUT_BIRTH_BASE + ((w >>> 5) & 8191), hi: CUT_BIRTH_BASE + ((w >>> 5) & 8191) + ((w >>> 18) & 4095),
  });
  it('round-trips a birth range of today and keeps sex', () => {
    const lo = 2014 * 12 + 3, hi = 2015 * 12 + 2; // an estimated age: a year-wide range
    expect(unpack(cutFacts(2, BirthKind.Estimated, lo, hi))).toEqual({ sex: 2, hasBirth: true, spilled: false, lo, hi });
    expect(unpack(cutFacts(1, BirthKind.None, 0, 0))).toMatchObject({ sex: 1, hasBirth: false, spilled: false });
  });
  it('marks a range it cannot hold as spilled (read from the heap) instead of clamping it', () => {
    expect(unpack(cutFacts(0, BirthKind.Full, 1700 * 12, 1700 * 12)).spilled).toBe(true); // a wild date
    expect(unpack(cutFacts(0, BirthKind.Year, 2600 * 12, 2600 * 12 + 11)).spilled).toBe(true);
    expect(unpack(cutFacts(0, BirthKind.Estimated, 2000 * 12, 2400 * 12)).spilled).toBe(true);
    expect(unpack(cutFacts(0, BirthKind.Full, 2010 * 12, 2010 * 12)).spilled).toBe(false);
  });
});

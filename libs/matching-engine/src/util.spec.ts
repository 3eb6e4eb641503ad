import { IdIndex } from './idindex';
import { IntVec, TextHeap, hash32 } from './util';
import { PostingIndex } from './blocking';

describe('compact containers', () => {
  it('IntVec grows', () => {
    const v = new IntVec(2);
    for (let i = 0; i < 1000; i++) v.push(i * 3);
    expect(v.length).toBe(1000);
    expect(v.get(999)).toBe(2997);
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

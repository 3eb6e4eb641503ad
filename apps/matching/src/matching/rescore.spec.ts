import { materialChange, OpenProposalRow, pickForRescore, RESCORE_MIN_BITS, sideOfCandidateId } from './rescore';

describe('materialChange', () => {
  it('half a bit of log2 odds and two points of probability, or the threshold crossed', () => {
    // odds 4 → 2.85 is 0.49 bits: just under; 4 → 2.70 is 0.57
    expect(Math.log2((0.8 / 0.2) / (0.74 / 0.26))).toBeLessThan(RESCORE_MIN_BITS);
    expect(materialChange(0.8, 0.74, 0.5)).toBe(false);
    expect(materialChange(0.8, 0.73, 0.5)).toBe(true);
    expect(materialChange(0.8, 0.3, 0.2)).toBe(true);
    expect(materialChange(0.3, 0.8, 0.2)).toBe(true);
    expect(materialChange(0.8, 0.78, 0.5)).toBe(false);
    // at the extremes a half bit is no change a coordinator acts on
    expect(materialChange(0.999, 0.998, 0.5)).toBe(false);
    expect(materialChange(0.001, 0.002, 0.5)).toBe(false);
    // crossing the proposal threshold counts whatever the size
    expect(materialChange(0.51, 0.49, 0.5)).toBe(true);
    expect(materialChange(0.49, 0.5, 0.5)).toBe(true);
  });
});

describe('pickForRescore', () => {
  const row = (id: string, left: string, right: string, probability: number, scoredFrom: string | null = null): OpenProposalRow => ({
    id, pair_key: `child-sought:${left}|${right}`, kind: 'child-sought', left_id: left, right_id: right, probability, fingerprint: `fp-${id}`, scored_from: scoredFrom,
  });
  const touched = (entries: Array<[string, number]>, causedBy = 'c-new', causeSide: 'child' | 'sought' = 'child') =>
    new Map(entries.map(([id, rank]) => [id, { rank, causedBy, causeSide, reason: 'rival_arrived' as const }]));

  it('the strongest touched records first, each proposal once, at most the cap', () => {
    const rows = [row('p1', 'c1', 't1#a', 0.9), row('p2', 'c2', 't2#a', 0.7), row('p3', 'c3', 't1#a', 0.6), row('p1', 'c1', 't1#a', 0.9)];
    const picked = pickForRescore(rows, touched([['t2#a', 0], ['t1#a', 1]]), new Set(), 10);
    expect(picked.map((t) => t.row.id)).toEqual(['p2', 'p1', 'p3']);
    expect(pickForRescore(rows, touched([['t2#a', 0], ['t1#a', 1]]), new Set(), 2).map((t) => t.row.id)).toEqual(['p2', 'p1']);
    expect(picked.every((t) => t.causedBy === 'c-new')).toBe(true);
  });

  it('never a proposal of an excluded record (the newcomer\'s own, a leaving record\'s)', () => {
    const rows = [row('p1', 'c-new', 't1#a', 0.9), row('p2', 'c1', 't1#a', 0.8)];
    expect(pickForRescore(rows, touched([['t1#a', 0]]), new Set(['c-new']), 10).map((t) => t.row.id)).toEqual(['p2']);
  });

  it('scores from the record the proposal was scored from; without one, from the record on the other side than the cause', () => {
    const rows = [row('p1', 'c1', 't1#a', 0.9, 'c1'), row('p2', 'c2', 't2#a', 0.8)];
    const [p1, p2] = pickForRescore(rows, touched([['t1#a', 0], ['t2#a', 1]]), new Set(), 10);
    expect([p1.queryId, p1.otherId]).toEqual(['c1', 't1#a']);
    // a child arrived: t2#a (sought side) has it among its candidates
    expect([p2.queryId, p2.otherId]).toEqual(['t2#a', 'c2']);
    const [dup] = pickForRescore([row('p3', 'c2', 'c3', 0.8)], touched([['c3', 0]]), new Set(), 10);
    expect([dup.queryId, dup.otherId]).toEqual(['c3', 'c2']);
  });

  it('only where the cause is a rival (on the side of the pair\'s other record); never a possible-sibling proposal', () => {
    // a sought child arriving touched c1: it competes with t1#a for c1, not with c2 (a duplicate registration of c1)
    const rows = [row('p1', 'c1', 't1#a', 0.9), { ...row('p2', 'c1', 'c2', 0.8), kind: 'duplicate-child' }, { ...row('p3', 'c1', 't2#a', 0.7), kind: 'possible-sibling' }];
    expect(pickForRescore(rows, touched([['c1', 0]], 't9#a', 'sought'), new Set(), 10).map((t) => t.row.id)).toEqual(['p1']);
    // a child arriving touched c1 (as a possible duplicate): it competes with c2 for c1, not with t1#a
    expect(pickForRescore(rows, touched([['c1', 0]], 'c9', 'child'), new Set(), 10).map((t) => t.row.id)).toEqual(['p2']);
  });

  it('tells a sought child from a child by its id', () => {
    expect(sideOfCandidateId('5f0c-…#c1')).toBe('sought');
    expect(sideOfCandidateId('5f0c9a7e-0000-8000-8000-000000000001')).toBe('child');
  });
});

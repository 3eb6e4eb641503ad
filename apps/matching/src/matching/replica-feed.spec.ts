import { replicaStartOffsets } from './replica-feed';

describe('where the replica feed starts', () => {
  const ends = [
    { partition: 0, offset: '120', low: '0' },
    { partition: 1, offset: '80', low: '10' },
    { partition: 2, offset: '50', low: '5' },
  ];

  it('starts at the matching group’s committed offsets, so a backlog no instance has matched yet reaches every replica', () => {
    const start = replicaStartOffsets(ends, [{ partition: 0, offset: '100' }, { partition: 1, offset: '80' }, { partition: 2, offset: '7' }]);
    expect(Object.fromEntries(start)).toEqual({ 0: 100, 1: 80, 2: 7 });
  });

  it('starts a partition the group never committed at its earliest offset, and never past the end', () => {
    const start = replicaStartOffsets(ends, [{ partition: 0, offset: '-1' }, { partition: 1, offset: '95' }]);
    expect(Object.fromEntries(start)).toEqual({ 0: 0, 1: 80, 2: 5 });
  });
});

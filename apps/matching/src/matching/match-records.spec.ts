import { motherSearching, registeredBoy } from '@kinlink/testing';
import { childToMatchRecord, OpenedChildChange as ChildRecordChanged, OpenedTracingRequestChange as TracingRequestChanged, matchSideOf, pairFingerprint, profileFingerprint, tracingRequestToMatchRecords } from './match-records';

const child = { id: 'c-1', agencyId: 'unhcr', agencyRecordId: 'U1', revision: 1, record: registeredBoy() } as unknown as ChildRecordChanged;
const request = (() => {
  const r = motherSearching();
  r.soughtChildren.push({ ...r.soughtChildren[0], ref: 'c2', name: { given: 'Faadumo', family: 'Cabdi' }, sex: 'female' });
  return { id: 't-1', agencyId: 'icrc', agencyRecordId: 'I1', revision: 1, request: r } as unknown as TracingRequestChanged;
})();

describe('contract records → engine records', () => {
  it('keeps what matching compares and never the child’s whereabouts or care arrangement', () => {
    const m = childToMatchRecord(child);
    expect(m).toMatchObject({ id: 'c-1', side: 'child', agencyId: 'unhcr', consentForTracing: true, sex: 'male', dateOfBirth: '2016-03-12' });
    expect(m.mother).toEqual({ given: 'Amina', family: 'Hassan' });
    expect(m.name.original).toBe('محمد عبدي');
    expect(JSON.stringify(m)).not.toMatch(/Dadaab|Hagadera|foster|currentLocation|careArrangement/);
  });

  it('makes one sought record per sought child, sharing the request as group and the inquirer', () => {
    const [a, b] = tracingRequestToMatchRecords(request);
    expect([a.id, b.id]).toEqual(['t-1#c1', 't-1#c2']);
    expect(a.groupId).toBe('t-1');
    expect(b.inquirer).toEqual({ name: { given: 'Aamina', family: 'Xasan' }, relation: 'mother' });
    expect(a.estimatedAgeYears).toBe(10);
    expect(matchSideOf(b)).toEqual({ type: 'sought-child', id: 't-1', ref: 'c2', agencyId: 'icrc' });
  });

  it('fingerprints change exactly when compared content changes', () => {
    const same = childToMatchRecord(JSON.parse(JSON.stringify(child)));
    expect(profileFingerprint(same)).toBe(profileFingerprint(childToMatchRecord(child)));
    const changed = childToMatchRecord({ ...child, record: { ...child.record, dateOfBirth: '2015' } });
    expect(profileFingerprint(changed)).not.toBe(profileFingerprint(same));
    expect(pairFingerprint('a', 'b')).toBe(pairFingerprint('b', 'a'));
  });
});

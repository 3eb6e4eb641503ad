import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { KinlinkEvent, newEvent } from '@kinlink/contracts';
import { InMemorySubjectKeyStore, SubjectCipher } from '@kinlink/privacy';
import { OpenedRecords } from '../projections/opened-records';
import { RecordNameIndex } from './name-index';

const opened = new OpenedRecords(new SubjectCipher(new InMemorySubjectKeyStore()));

const actor = { id: 'service:registry', role: 'system' as const, agencyId: 'kinlink' };
const CHILD = '11111111-1111-4111-8111-111111111111';
const OTHER = '33333333-3333-4333-8333-333333333333';
const REQUEST = '22222222-2222-4222-8222-222222222222';

function child(id: string, revision: number, name: Record<string, string>, type: 'child.registered' | 'child.updated' = 'child.registered') {
  return newEvent(type, {
    correlationId: 'c', actor, subject: { type: 'child', id },
    payload: { id, agencyId: 'unhcr', agencyRecordId: `U-${id.slice(0, 4)}`, revision, record: { name, sex: 'male', dateOfBirth: '2016-03-12' } as never },
  }) as KinlinkEvent;
}

describe('name index (fuzzy, cross-script)', () => {
  beforeAll(() => Logger.overrideLogger(false));
  it('finds children across scripts and spellings, best first', async () => {
    const rows = [{ id: OTHER, kind: 'child', agency_id: 'icrc', revision: 1, data: { name: { given: 'Faisal', family: 'Warsame' }, sex: 'male' } }];
    const index = new RecordNameIndex({ query: async () => rows } as unknown as DataSource, opened);
    await index.onApplicationBootstrap();
    index.apply(child(CHILD, 1, { given: 'Mohammed', family: 'Abdi', original: 'محمد عبدي' }));
    for (const q of ['محمد عبدي', 'Muhamad Cabdi', 'Mohammed Abdi']) {
      const hits = index.search('child', { name: q });
      expect([q, hits[0]?.recordId, hits[0]?.matchedOn]).toEqual([q, CHILD, 'child']);
    }
    expect(index.search('child', { name: 'Faysal Warsame' })[0].recordId).toBe(OTHER);
    expect(index.search('tracing-request', { name: 'Mohammed Abdi' })).toEqual([]);
  });

  it('leaves out records whose names agree no better than chance', () => {
    const index = new RecordNameIndex({} as DataSource, opened);
    // `zzyzx` and `saxahu` share the phonetic key SKS, and nothing else
    index.apply(child(CHILD, 1, { given: 'Saxahu', family: 'Huraje' }));
    expect(index.search('child', { name: 'Zzyzx Qwrtp' })).toEqual([]);
    expect(index.search('child', { name: 'Saxahu' }).map((h) => h.recordId)).toEqual([CHILD]);
    expect(index.search('child', { name: 'Sakhahu Hurajeh' }).map((h) => h.recordId)).toEqual([CHILD]);
  });

  it('applies a newer revision, never an older one', () => {
    const index = new RecordNameIndex({} as DataSource, opened);
    index.apply(child(CHILD, 2, { given: 'Yusuf', family: 'Abdi' }, 'child.updated'));
    index.apply(child(CHILD, 1, { given: 'Mohammed', family: 'Abdi' }));
    expect(index.search('child', { name: 'Yusuf Abdi' }).map((h) => h.recordId)).toEqual([CHILD]);
    expect(index.search('child', { name: 'Mohammed Abdi' }).filter((h) => h.probability > 0.3)).toEqual([]);
  });

  it('finds a tracing request by a sought child or by the inquirer, one hit per request', () => {
    const index = new RecordNameIndex({} as DataSource, opened);
    index.apply(newEvent('tracing-request.filed', {
      correlationId: 'c', actor, subject: { type: 'tracing-request', id: REQUEST },
      payload: {
        id: REQUEST, agencyId: 'icrc', agencyRecordId: 'I-1', revision: 1,
        request: {
          inquiryDate: '2026-10-20', inquirer: { name: { given: 'Aamina', family: 'Xasan' }, relation: 'mother', sex: 'female' },
          soughtChildren: [{ ref: 'c1', name: { given: 'Muhamad', family: 'Cabdi' }, sex: 'male' }, { ref: 'c2', name: { given: 'Xaawo', family: 'Cabdi' }, sex: 'female' }],
          consent: { tracing: true, sharing: true },
        } as never,
      },
    }) as KinlinkEvent);
    expect(index.search('tracing-request', { name: 'Mohammed Abdi' })).toEqual([expect.objectContaining({ recordId: REQUEST, matchedOn: 'sought-child:c1' })]);
    expect(index.search('tracing-request', { name: 'Amina Hassan' })).toEqual([expect.objectContaining({ recordId: REQUEST, matchedOn: 'inquirer' })]);
  });
});

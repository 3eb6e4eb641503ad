import { Lexicon } from './lexicon';
import { Preparer, RecordDecoder, decode, encode } from './prepare';
import { defaultVariantTable } from './text/variants';
import { MatchRecord } from './types';
import { IntVec, StringPool, TextHeap } from './util';

describe('RecordDecoder', () => {
  const records: MatchRecord[] = [
    {
      id: 'a', side: 'sought', agencyId: 'x', groupId: 'req-1', consentForTracing: true,
      name: { given: 'Abdirahman', middle: 'Hassan', family: 'Ali', nicknames: ['Dheere'], original: 'عبد الرحمن حسن علي' },
      sex: 'male', dateOfBirth: '2013-04-02', placeOfOrigin: { text: 'Baidoa town', pcode: 'SO2201' },
      placeOfSeparation: { text: 'Dadaab camp', country: 'KE' }, dateOfSeparation: '2022-03', languages: ['Somali', 'Arabic'],
      nationality: 'so', mother: { given: 'Halima', family: 'Yusuf' }, father: { full: 'Hassan Ali Farah' },
      siblings: [{ given: 'Amina' }, { given: 'Yusuf', family: 'Hassan' }, { full: 'Khadija' }],
    },
    // fewer of everything after more: nothing of the previous record may stay behind
    { id: 'b', side: 'child', agencyId: 'y', consentForTracing: false, name: { full: 'Olena' }, estimatedAgeYears: 9, ageRecordedOn: '2023-01-10', siblings: [{ given: 'Ivan' }] },
    { id: 'c', side: 'child', agencyId: 'y', consentForTracing: true, name: { original: 'ተስፋይ' }, father: { given: 'Tesfay' } },
    {
      id: 'd', side: 'sought', agencyId: 'x', consentForTracing: true, name: { given: 'Jean', middle: 'Claude', family: 'Mukendi' },
      placeOfOrigin: { pcode: 'CD1001' }, mother: { given: 'Marie' }, siblings: [{ given: 'Grace' }, { given: 'Patrick' }],
    },
  ];

  it('reads back what was prepared, as decode does, record after record into the one reused record', () => {
    const lex = new Lexicon(defaultVariantTable());
    const text = new TextHeap();
    const prep = new Preparer(lex, new StringPool());
    prep.text = text;
    const heap = new IntVec(64);
    const prepared = records.map((r) => prep.prepare(r));
    const offs = prepared.map((p) => encode(p, heap));
    const reader = new RecordDecoder();
    // plain copies: the reused record's arrays are compared by value
    const plain = (x: object) => JSON.parse(JSON.stringify({ ...x, text: 0 }));
    for (const k of [0, 1, 2, 3, 3, 2, 1, 0]) {
      const got = reader.read(heap.data, offs[k], text);
      expect(plain(got)).toEqual(plain(prepared[k]));
      expect(plain(decode(heap.data, offs[k], text))).toEqual(plain(prepared[k]));
      expect(got.text).toBe(text);
    }
  });
});

import { InMemorySubjectKeyStore, SubjectCipher } from '@kinlink/privacy';
import { motherSearching, registeredBoy } from '@kinlink/testing';
import { OpenedRecords } from '../projections/opened-records';
import { visibleFacts } from './record-facts';

describe('admin API read model at rest', () => {
  it('keeps in clear only facts that name and locate nobody (what the review queue’s SQL needs)', () => {
    const child = { ...registeredBoy(), specificNeeds: ['disability'], safeguarding: { level: 'high', restrictions: { doNotDiscloseTo: [{ name: { given: 'Yusuf' } }] } } };
    const facts = visibleFacts('child', child);
    expect(JSON.stringify(facts)).not.toMatch(/Mohammed|Abdi|Amina|Hassan|Dadaab|Hagadera|Yusuf|محمد/);
    expect(facts).toMatchObject({ sex: 'male', dateOfBirth: child.dateOfBirth, specificNeeds: ['disability'], safeguarding: { level: 'high' }, consent: child.consent });
    const request = visibleFacts('tracing-request', motherSearching());
    expect(JSON.stringify(request)).not.toMatch(/Aamina|Xasan|Muhamad|Cabdi/);
    expect((request.soughtChildren as Array<{ ref: string }>)[0].ref).toBe('c1');
  });

  it('shows a proposal’s compared values per side: opened, `[erased]` once the key is gone, `[withheld]` without consent', async () => {
    const store = new InMemorySubjectKeyStore();
    const cipher = new SubjectCipher(store);
    const opened = new OpenedRecords(cipher);
    const bare = [{ field: 'name', level: 'agree', weight: 5 }];
    const left = await cipher.seal('child-1', 'ev', { 'explanation.left': [{ v: 'Amina', n: 'amina' }] });
    const right = await cipher.seal('req-1', 'ev', { 'explanation.right': [{ v: 'Aamina', n: 'amina' }] });
    const values = { left: { subjectId: 'child-1', sealed: left['explanation.left'] }, right: { subjectId: 'req-1', sealed: right['explanation.right'] } };
    expect(await opened.explanation('ev', bare, values)).toEqual([{ ...bare[0], left: 'Amina', leftNormalised: 'amina', right: 'Aamina', rightNormalised: 'amina' }]);
    expect(await opened.explanation('ev', bare, values, new Set(['child-1']))).toEqual([{ ...bare[0], left: '[withheld]', right: 'Aamina', rightNormalised: 'amina' }]);
    await store.destroy('req-1');
    cipher.forget('req-1');
    expect(await opened.explanation('ev', bare, values)).toEqual([{ ...bare[0], left: 'Amina', leftNormalised: 'amina', right: '[erased]' }]);
  });
});

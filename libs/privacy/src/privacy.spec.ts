import { randomBytes } from 'node:crypto';
import { motherSearching, registeredBoy } from '@kinlink/testing';
import { openField, SealBrokenError, sealField } from './field-cipher';
import { LocalMasterKeyWrapper } from './key-wrapper';
import { decodeMasterKey } from './master-key';
import { openRecord, sealClosure, openClosure, sealRecord, splitRecord } from './record-parts';
import { SubjectCipher } from './subject-cipher';
import { caseworkBinding, caseworkSubjectOf, commandBinding, openCaseworkText, sealCaseworkText } from './casework-text';
import { InMemorySubjectKeyStore, SubjectErasedError } from './subject-key-store';
import { subjectIdsOf } from './subject-ids';

const dek = randomBytes(32);

describe('field cipher (AES-256-GCM, AAD = binding | field | key id)', () => {
  it('round-trips JSON values with a fresh 96-bit IV and a 16-byte tag', () => {
    const a = sealField(dek, 'k1', 'event-1', 'identity', { name: 'Amina' });
    const b = sealField(dek, 'k1', 'event-1', 'identity', { name: 'Amina' });
    expect(Buffer.from(a.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(a.tag, 'base64')).toHaveLength(16);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
    expect(JSON.stringify(a)).not.toContain('Amina');
    expect(openField(dek, 'event-1', 'identity', a)).toEqual({ name: 'Amina' });
  });

  it('refuses a value moved to another event, field or key id, tampered, or under another key', () => {
    const s = sealField(dek, 'k1', 'event-1', 'identity', 'Amina');
    expect(() => openField(dek, 'event-2', 'identity', s)).toThrow(SealBrokenError);
    expect(() => openField(dek, 'event-1', 'protection', s)).toThrow(SealBrokenError);
    expect(() => openField(dek, 'event-1', 'identity', { ...s, k: 'k2' })).toThrow(SealBrokenError);
    const ct = Buffer.from(s.ct, 'base64');
    ct[0] ^= 1;
    expect(() => openField(dek, 'event-1', 'identity', { ...s, ct: ct.toString('base64') })).toThrow(SealBrokenError);
    expect(() => openField(randomBytes(32), 'event-1', 'identity', s)).toThrow(SealBrokenError);
    expect(() => openField(dek, 'event-1', 'identity', { ...s, tag: s.tag.slice(0, 8) })).toThrow(SealBrokenError);
  });
});

describe('master key wrapper (KMS seam)', () => {
  it('wraps a data key for one subject only', async () => {
    const w = new LocalMasterKeyWrapper(randomBytes(32));
    const wrapped = await w.wrap(dek, 'child-1');
    expect(await w.unwrap(wrapped, 'child-1')).toEqual(dek);
    await expect(w.unwrap(wrapped, 'child-2')).rejects.toThrow();
    await expect(new LocalMasterKeyWrapper(randomBytes(32)).unwrap(wrapped, 'child-1')).rejects.toThrow();
  });

  it('accepts only a 32-byte base64 master key', () => {
    expect(decodeMasterKey(randomBytes(32).toString('base64'))).toHaveLength(32);
    expect(() => decodeMasterKey(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});

describe('records split into clear fields and sealed parts', () => {
  it('keeps no name, place, date of birth or family in clear', () => {
    const child = registeredBoy();
    const { clear, parts } = splitRecord('child', child as unknown as Record<string, unknown>);
    expect(Object.keys(parts)).toEqual(expect.arrayContaining(['identity', 'whereabouts']));
    expect(JSON.stringify(clear)).not.toMatch(/Mohammed|Abdi|Amina|Dadaab|Hagadera|2016/);
    expect(clear).toMatchObject({ sex: 'male', consent: child.consent, status: child.status });
    const request = splitRecord('tracing-request', motherSearching() as unknown as Record<string, unknown>);
    expect(JSON.stringify(request.clear)).not.toMatch(/Aamina|Xasan|Muhamad|Cabdi/);
    expect(Object.keys(request.parts).sort()).toEqual(['inquirer', 'soughtChildren']);
  });

  it('opens only the parts asked for; nothing once the subject is erased', async () => {
    const store = new InMemorySubjectKeyStore();
    const cipher = new SubjectCipher(store);
    const child = { ...registeredBoy(), safeguarding: { level: 'high' as const, restrictions: { doNotDiscloseTo: [{ name: { given: 'Yusuf' } }] } } };
    const sealed = await sealRecord(cipher, 'child', 'c-1', 'ev-1', child);
    expect(JSON.stringify(sealed)).not.toMatch(/Mohammed|Yusuf|Dadaab/);
    expect(sealed.clear.safeguarding).toEqual({ level: 'high' });
    const matching = await openRecord<Record<string, unknown>>(cipher, 'c-1', 'ev-1', sealed, ['identity']);
    expect(matching!.name).toEqual(child.name);
    expect(matching!.currentLocation).toBeUndefined();
    expect(matching!.safeguarding).toEqual({ level: 'high' });
    const cases = await openRecord<typeof child>(cipher, 'c-1', 'ev-1', sealed, ['protection']);
    expect(cases!.safeguarding.restrictions!.doNotDiscloseTo![0].name.given).toBe('Yusuf');
    expect((cases as Record<string, unknown>).name).toBeUndefined();
    expect(await openRecord(cipher, 'c-1', 'ev-1', sealed)).toEqual(child);
    await expect(openRecord(cipher, 'c-1', 'ev-2', sealed)).rejects.toThrow(SealBrokenError);

    const closure = await sealClosure(cipher, 'c-1', 'ev-3', { reason: 'reunified', note: 'with aunt Amina' });
    expect(JSON.stringify(closure)).not.toContain('Amina');
    expect(await openClosure(cipher, 'c-1', 'ev-3', closure)).toEqual({ reason: 'reunified', note: 'with aunt Amina' });

    await store.destroy('c-1');
    cipher.forget('c-1');
    expect(await openRecord(cipher, 'c-1', 'ev-1', sealed)).toBeUndefined();
    expect(await openClosure(cipher, 'c-1', 'ev-3', closure)).toBeUndefined();
    await expect(cipher.seal('c-1', 'ev-4', { x: 1 })).rejects.toThrow(SubjectErasedError);
  });

  it('keeps an unwrapped key no longer than its TTL', async () => {
    const store = new InMemorySubjectKeyStore();
    let now = 0;
    const cipher = new SubjectCipher(store, 1000, () => now);
    const sealed = await cipher.seal('s', 'b', { f: 'v' });
    await store.destroy('s');
    expect(await cipher.open('s', 'b', sealed)).toEqual({ f: 'v' }); // cached
    now = 1001;
    expect(await cipher.open('s', 'b', sealed)).toBeUndefined();
  });

  it('drops expired keys as new subjects stream through, instead of holding every key it saw', async () => {
    const store = new InMemorySubjectKeyStore();
    let now = 0;
    const cipher = new SubjectCipher(store, 1000, () => now);
    for (let i = 0; i < 500; i++) {
      now = i * 10; // 100 new subjects per TTL
      await cipher.seal(`subject-${i}`, 'b', { f: 'v' });
    }
    expect(cipher.cachedKeys).toBeLessThanOrEqual(201);
    // still the same keys while fresh: what the last subject sealed opens from the cache
    const sealed = await cipher.seal('subject-499', 'b', { f: 'w' });
    await store.destroy('subject-499');
    expect(await cipher.open('subject-499', 'b', sealed)).toEqual({ f: 'w' });
  });
});

describe('casework free text (notes, places, override reasons) sealed under the child key', () => {
  it('seals every free-text key at any depth, keeps codes and dates in clear, opens, and reads [erased] after erasure', async () => {
    const store = new InMemorySubjectKeyStore();
    const cipher = new SubjectCipher(store);
    const state = {
      status: 'reunified', reasonCode: 'other', note: 'aunt Halima said',
      reunification: { date: '2026-01-02', place: 'Dadaab block C4' },
      checklist: { childWishes: 'wants', notes: 'uncle Abdi present' },
      followUps: [{ visitDate: '2026-02-01', note: 'seen by Hodan' }],
      override: { overrideReason: 'Hodan is not the inquirer' },
    };
    const binding = caseworkBinding('case', 'case-1');
    const sealed = await sealCaseworkText(cipher, 'child-1', binding, state);
    expect(JSON.stringify(sealed)).not.toMatch(/Halima|Dadaab|Abdi|Hodan/);
    expect(sealed.reunification.date).toBe('2026-01-02');
    expect(sealed.checklist.childWishes).toBe('wants');
    expect(sealed.reasonCode).toBe('other');
    // sealing again keeps what is sealed
    expect(await sealCaseworkText(cipher, 'child-1', binding, sealed)).toEqual(sealed);
    expect(await openCaseworkText(cipher, 'child-1', binding, sealed)).toEqual(state);
    // moved to another case, or under another subject: does not open
    await expect(openCaseworkText(cipher, 'child-1', caseworkBinding('case', 'case-2'), sealed)).rejects.toThrow(SealBrokenError);
    await store.destroy('child-1');
    cipher.forget('child-1');
    const erased = await openCaseworkText(cipher, 'child-1', binding, sealed);
    expect(erased.note).toBe('[erased]');
    expect(erased.reunification).toEqual({ date: '2026-01-02', place: '[erased]' });
    // a rule asks for the error instead of the marker
    await expect(openCaseworkText(cipher, 'child-1', binding, sealed, { erased: 'throw' })).rejects.toThrow(SubjectErasedError);
  });

  it('tells an erased child from a clear-text note that merely reads "[erased]"', async () => {
    const cipher = new SubjectCipher(new InMemorySubjectKeyStore());
    const command = { action: 'close', note: '[erased]' };
    expect(await openCaseworkText(cipher, 'child-2', commandBinding('cmd-1'), command, { erased: 'throw' })).toEqual(command);
    const sealed = await sealCaseworkText(cipher, 'child-2', commandBinding('cmd-1'), command);
    expect(await openCaseworkText(cipher, 'child-2', commandBinding('cmd-1'), sealed, { erased: 'throw' })).toEqual(command);
  });

  it('takes the child side of a proposal as the subject', () => {
    expect(caseworkSubjectOf({ type: 'sought-child', id: 'tr' }, { type: 'child', id: 'c' })).toBe('c');
    expect(caseworkSubjectOf({ type: 'child', id: 'c1' }, { type: 'child', id: 'c2' })).toBe('c1');
  });
});

describe('SubjectCipher.prefetch (a consumer slice\'s keys in one round trip)', () => {
  it('asks the store once for the uncached keys, creating only when told to', async () => {
    const store = new InMemorySubjectKeyStore();
    const findMany = jest.spyOn(store, 'findMany');
    const getOrCreateMany = jest.spyOn(store, 'getOrCreateMany');
    const getOrCreate = jest.spyOn(store, 'getOrCreate');
    const cipher = new SubjectCipher(store);
    await cipher.prefetch(['a', 'b', 'a'], { create: true });
    expect(getOrCreateMany).toHaveBeenCalledWith(['a', 'b']);
    getOrCreate.mockClear();
    await cipher.seal('a', 'ev', { x: 1 });
    expect(getOrCreate).not.toHaveBeenCalled();
    await cipher.prefetch(['a', 'b', 'c']);
    expect(findMany).toHaveBeenLastCalledWith(['c']); // cached ones are not asked for; nothing created
    expect(await store.findMany(['c'])).toEqual([]);
  });

  it('does not cache a key forgotten (erased) while its lookup was in flight', async () => {
    const store = new InMemorySubjectKeyStore();
    const key = await store.getOrCreate('s');
    let release!: () => void;
    jest.spyOn(store, 'findMany').mockImplementation(() => new Promise((r) => { release = () => r([key]); }));
    const cipher = new SubjectCipher(store);
    const loading = cipher.prefetch(['s']);
    await store.destroy('s');
    cipher.forget('s');
    release();
    await loading;
    expect(await cipher.open('s', 'ev', {})).toBeUndefined();
  });
});

describe('subjectIdsOf (which keys a slice needs)', () => {
  it('finds record subjects, sealed intake events and proposal sides, not sealed fields or other ids', () => {
    const ev = (subject: { type: string; id: string }, payload: unknown) => ({ eventId: 'e', type: 't', subject, payload }) as never;
    expect(subjectIdsOf(ev({ type: 'child', id: 'c1' }, { id: 'c1', record: { identity: { v: 1, k: 'k', iv: 'i', tag: 't', ct: 'c', subjectId: 'no' } } }))).toEqual(['c1']);
    expect(subjectIdsOf(ev({ type: 'agency-event', id: 'unhcr:1' }, { event: { type: 'child.registered', subjectId: 'c2' } }))).toEqual(['c2']);
    expect(subjectIdsOf(ev({ type: 'proposal', id: 'p' }, {
      left: { type: 'child', id: 'c3' }, right: { type: 'sought-child', id: 'r1', ref: 's1' }, values: { left: { subjectId: 'c3' }, right: { subjectId: 'r1' } },
    })).sort()).toEqual(['c3', 'r1']);
    expect(subjectIdsOf(ev({ type: 'case', id: 'case-1' }, { caseId: 'case-1' }))).toEqual([]);
  });
});

import { randomUUID } from 'node:crypto';
import { KinlinkEvent, newEvent } from '@kinlink/contracts';
import type { UnitOfWork } from '@kinlink/kafka';
import { InMemorySubjectKeyStore, sealRecord, SubjectCipher } from '@kinlink/privacy';
import { motherSearching, registeredBoy } from '@kinlink/testing';
import { checkRestrictions } from '../domain';
import { SafeguardingFacts, StoredSafeguardingFacts } from './casework.entities';
import { NameMatcher } from './name-matcher';
import { openFacts, RecordSafeguardingFacts, restrictionFacts, sealFacts } from './record-safeguarding-facts.usecase';

/** Captures what the use case writes (record id → stored facts) instead of a database. */
function fakeUnitOfWork(rows: Map<string, StoredSafeguardingFacts>): UnitOfWork {
  const m = { query: async (_sql: string, params: unknown[]) => { rows.set(params[0] as string, params[4] as StoredSafeguardingFacts); } };
  return { once: async (_c: string, _e: string, effect: (m: unknown) => Promise<unknown>) => ({ duplicate: false, result: await effect(m) }) } as unknown as UnitOfWork;
}

const agency = (a: string) => ({ id: `agency:${a}`, role: 'agency' as const, agencyId: a });
const samePerson = new NameMatcher().samePerson;
const coordinator = { id: 'coord', role: 'coordinator' as const, agencyId: 'unhcr' };

describe('safeguarding facts kept for the restriction check', () => {
  const cipher = new SubjectCipher(new InMemorySubjectKeyStore());
  const rows = new Map<string, StoredSafeguardingFacts>();
  const useCase = new RecordSafeguardingFacts(fakeUnitOfWork(rows), cipher);

  const registerChild = async (doNotDiscloseTo: unknown[]) => {
    const id = randomUUID();
    const eventId = randomUUID();
    const record = { ...registeredBoy(), safeguarding: { level: 'high', restrictions: { doNotDiscloseTo } } };
    await useCase.execute(newEvent('child.registered', {
      eventId, correlationId: randomUUID(), actor: agency('unhcr'), subject: { type: 'child', id },
      payload: { id, agencyId: 'unhcr', agencyRecordId: 'U-1', revision: 1, record: await sealRecord(cipher, 'child', id, eventId, record) },
    } as never) as KinlinkEvent);
    return id;
  };
  const fileRequest = async (inquirer: unknown) => {
    const id = randomUUID();
    const eventId = randomUUID();
    await useCase.execute(newEvent('tracing-request.filed', {
      eventId, correlationId: randomUUID(), actor: agency('icrc'), subject: { type: 'tracing-request', id },
      payload: { id, agencyId: 'icrc', agencyRecordId: 'I-1', revision: 1, request: await sealRecord(cipher, 'tracing-request', id, eventId, { ...motherSearching(), inquirer }) },
    } as never) as KinlinkEvent);
    return id;
  };
  const opened = (id: string) => openFacts(cipher, id, rows.get(id)!);

  it('keeps each restricted person’s relation and the inquirer’s, sealed with the names', async () => {
    const child = await registerChild([{ name: { given: 'Wali', family: 'Jawed' }, relation: 'father' }, { name: { given: 'Yusuf' } }]);
    const request = await fileRequest({ name: { given: 'Wali', family: 'Mahmoodi' }, relation: 'father', sex: 'male' });
    for (const id of [child, request]) expect(JSON.stringify(rows.get(id))).not.toMatch(/Wali|Jawed|Mahmoodi|Yusuf|father/);
    const facts = restrictionFacts(await opened(child), await opened(request));
    expect(facts).toEqual({
      restrictedPersons: [{ name: { given: 'Wali', family: 'Jawed' }, relation: 'father' }, { name: { given: 'Yusuf' } }],
      inquirer: { name: { given: 'Wali', family: 'Mahmoodi' }, relation: 'father' },
    });
    // the same father written with another family name by the inquirer's agency: refused for the shared role
    const r = checkRestrictions({ ...facts, actor: coordinator, samePerson });
    expect(r.ok ? 'ok' : r.error.code).toBe('RESTRICTED_ROLE_CLAIMED');
  });

  it('reads facts kept before relations were (bare names, sealed or not) as persons without a relation: names alone, as before', async () => {
    const oldChild: SafeguardingFacts = { level: 'high', restrictedPersons: [{ given: 'Wali', family: 'Jawed' }] };
    const oldRequest: SafeguardingFacts = { inquirer: { given: 'Wali', family: 'Mahmoodi' } };
    const sealedChild = await sealFacts(cipher, 'old-child', oldChild);
    const sealedRequest = await sealFacts(cipher, 'old-request', oldRequest);
    for (const [child, request] of [
      [await openFacts(cipher, 'old-child', sealedChild), await openFacts(cipher, 'old-request', sealedRequest)],
      [await openFacts(cipher, 'old-child', oldChild), await openFacts(cipher, 'old-request', oldRequest)], // rows from before sealing
    ]) {
      const facts = restrictionFacts(child, request);
      expect(facts).toEqual({ restrictedPersons: [{ name: { given: 'Wali', family: 'Jawed' } }], inquirer: { name: { given: 'Wali', family: 'Mahmoodi' } } });
      expect(checkRestrictions({ ...facts, actor: coordinator, samePerson })).toEqual({ ok: true, matched: false });
      // and a name match still refuses, as before
      const same = restrictionFacts(child, { inquirer: { given: 'Walee', family: 'Jaweed' } });
      expect(checkRestrictions({ ...same, actor: coordinator, samePerson }).ok).toBe(false);
    }
  });

  it('has nothing to compare without facts', () => {
    expect(restrictionFacts(undefined, undefined)).toEqual({ restrictedPersons: [], inquirer: null });
  });
});

import { randomUUID } from 'node:crypto';
import { checkAgencyEvent, MAX_AGENCY_EVENT_BYTES } from './agency-event';

const child = {
  name: { given: 'Oleksandr', family: 'Kovalenko', nicknames: ['Sasha'], original: 'Олександр Коваленко' },
  sex: 'male', dateOfBirth: '2014-07', status: 'separated', registeredOn: '2026-03-01',
  family: { mother: { name: { full: 'Iryna Kovalenko' } } }, consent: { tracing: true, sharing: false },
};
const envelope = (over: Record<string, unknown> = {}) => ({
  eventId: randomUUID(), schemaVersion: 1, type: 'child.registered', occurredAt: '2026-03-01T08:00:00+02:00',
  agencyId: 'unhcr', agencyRecordId: 'UA-2026-0001', data: child, ...over,
});
const check = (value: unknown, agency = 'unhcr') => checkAgencyEvent(typeof value === 'string' ? value : JSON.stringify(value), agency);
const reasonOf = (value: unknown, agency?: string) => {
  const r = check(value, agency);
  return r.ok ? 'accepted' : r.rejection.reason;
};

describe('checkAgencyEvent (agency contract v1)', () => {
  it('accepts every event type with a valid payload', () => {
    const request = {
      inquiryDate: '2026-03-02', inquirer: { name: { full: 'Iryna Kovalenko' }, relation: 'mother' },
      soughtChildren: [{ ref: 'a', name: { given: 'Aleksandr' }, sex: 'male', estimatedAge: { years: 11, asOf: '2026-03-02' } }],
      consent: { tracing: true, sharing: true },
    };
    const cases: Array<[string, unknown]> = [
      ['child.registered', child], ['child.updated', child], ['child.closed', { reason: 'reunified' }],
      ['tracing-request.filed', request], ['tracing-request.updated', request], ['tracing-request.closed', { reason: 'withdrawn', note: 'found' }],
    ];
    for (const [type, data] of cases) expect([type, reasonOf(envelope({ type, data }))]).toEqual([type, 'accepted']);
  });

  it.each([
    ['malformed_json', '{"eventId": "x"', undefined],
    ['malformed_json', '', undefined],
    ['schema_invalid', '[1,2]', undefined],
    ['unknown_type', envelope({ type: 'child.deleted' }), undefined],
    ['unsupported_version', envelope({ schemaVersion: 2 }), undefined],
    ['unsupported_version', envelope({ schemaVersion: '1' }), undefined],
    ['agency_mismatch', envelope(), 'icrc'],
    ['schema_invalid', envelope({ extra: true }), undefined],
    ['schema_invalid', envelope({ data: { ...child, sex: 'boy' } }), undefined],
    ['schema_invalid', envelope({ data: { ...child, shoeSize: 32 } }), undefined],
    ['schema_invalid', envelope({ data: { ...child, dateOfBirth: '2014-13-01' } }), undefined],
    ['schema_invalid', envelope({ data: { ...child, dateOfBirth: '2016-02-31' } }), undefined],
    ['schema_invalid', envelope({ data: { ...child, name: {} } }), undefined],
    ['schema_invalid', envelope({ eventId: 'not-a-uuid' }), undefined],
    ['schema_invalid', envelope({ agencyRecordId: 'has spaces / slashes' }), undefined],
    ['schema_invalid', envelope({ type: 'tracing-request.filed', data: { inquiryDate: '2026-01-01', inquirer: { name: { given: 'A' }, relation: 'mother' }, soughtChildren: [], consent: { tracing: true, sharing: true } } }), undefined],
  ])('rejects with %s', (reason, value, agency) => {
    expect(reasonOf(value, agency)).toBe(reason);
  });

  it('rejects an oversized event before parsing it', () => {
    const big = JSON.stringify(envelope({ data: { ...child, name: { given: 'x'.repeat(MAX_AGENCY_EVENT_BYTES) } } }));
    const r = checkAgencyEvent(big, 'unhcr');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.rejection.reason).toBe('payload_too_large');
  });

  it('names the fields at fault without echoing their values', () => {
    const r = check(envelope({ data: { ...child, sex: 'secret-value', consent: { tracing: 'yes' } } }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.rejection.issues?.map((i) => i.path)).toEqual(expect.arrayContaining(['data.sex', 'data.consent.tracing', 'data.consent.sharing']));
    expect(JSON.stringify(r.rejection)).not.toContain('secret-value');
    expect(r.rejection.eventId).toBeDefined();
  });
});

import { randomUUID } from 'node:crypto';
import type { AgencyEvent } from '@kinlink/contracts';
import { decideRecordChange } from './record-change';
import { RecordsError } from './records.errors';

const registration = {
  name: { given: 'Mohammed', family: 'Abdi' }, sex: 'male', dateOfBirth: '2015', status: 'unaccompanied',
  registeredOn: '2026-11-01', consent: { tracing: true, sharing: true },
} as const;
const event = (type: AgencyEvent['type'], data: unknown): AgencyEvent =>
  ({ eventId: randomUUID(), schemaVersion: 1, occurredAt: '2026-11-01T10:00:00Z', agencyId: 'unhcr', agencyRecordId: 'C-1', type, data }) as AgencyEvent;

describe('decideRecordChange', () => {
  it('creates a record on first registration', () => {
    expect(decideRecordChange(undefined, event('child.registered', registration))).toEqual({ action: 'create', data: registration });
  });

  it('treats a re-registration with other data as an update, and identical data as no change', () => {
    const open = { revision: 1, status: 'open' as const, data: registration };
    const changed = { ...registration, dateOfBirth: '2014' };
    expect(decideRecordChange(open, event('child.registered', changed))).toEqual({ action: 'update', data: changed });
    expect(decideRecordChange(open, event('child.updated', { ...registration }))).toEqual({ action: 'none', reason: 'unchanged' });
  });

  it('refuses updates and closures of unknown records', () => {
    expect(() => decideRecordChange(undefined, event('child.updated', registration))).toThrow(RecordsError);
    expect(() => decideRecordChange(undefined, event('tracing-request.closed', { reason: 'withdrawn' }))).toThrow(/register it first/);
  });

  it('closes once, and refuses changes to a closed record', () => {
    const open = { revision: 2, status: 'open' as const, data: registration };
    expect(decideRecordChange(open, event('child.closed', { reason: 'reunified' }))).toEqual({ action: 'close', closure: { reason: 'reunified' } });
    const closed = { ...open, status: 'closed' as const };
    expect(decideRecordChange(closed, event('child.closed', { reason: 'reunified' }))).toEqual({ action: 'none', reason: 'already_closed' });
    let code: string | undefined;
    try { decideRecordChange(closed, event('child.updated', registration)); } catch (e) { code = (e as RecordsError).code; }
    expect(code).toBe('record_closed');
  });
});

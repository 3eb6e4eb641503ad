import { AuthUser } from '../auth';
import { isHeldFromCaller } from './review.service';

const user = (role: AuthUser['role'], agencyId: string, agencyScope: string[] = [agencyId]): AuthUser => ({ id: 'u', role, agencyId, agencyScope });
const held = { protection_status: 'pending' as const, protection_agency: 'unhcr' };

describe('a proposal held for a protection review', () => {
  it('is hidden from coordinators and supervisors outside the child’s agency', () => {
    expect(isHeldFromCaller(user('coordinator', 'icrc'), held)).toBe(true);
    expect(isHeldFromCaller(user('supervisor', 'icrc'), held)).toBe(true);
  });

  it('is shown to the child’s agency, to a scope including it, to inter-agency staff and to all-agency roles', () => {
    expect(isHeldFromCaller(user('coordinator', 'unhcr'), held)).toBe(false);
    expect(isHeldFromCaller(user('coordinator', 'icrc', ['icrc', 'unhcr']), held)).toBe(false);
    expect(isHeldFromCaller(user('supervisor', 'kinlink', ['kinlink']), held)).toBe(false);
    expect(isHeldFromCaller(user('system-admin', 'kinlink'), held)).toBe(false);
  });

  it('is shown to everyone once released, or when no review was needed', () => {
    expect(isHeldFromCaller(user('coordinator', 'icrc'), { protection_status: 'released', protection_agency: 'unhcr' })).toBe(false);
    expect(isHeldFromCaller(user('coordinator', 'icrc'), { protection_status: null, protection_agency: null })).toBe(false);
  });
});

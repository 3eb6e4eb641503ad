import { AuthUser, Role } from './auth-user';
import { userFromClaims } from './claims';
import { canSeeAgency, canSeeAnyAgency, filterAllows, scopeAgencies, scopeFilter, scopeSql, scopeWhere } from './scope';

const user = (role: Role, agencyId = 'unhcr', agencyScope: string[] = [agencyId]): AuthUser => ({ id: 'u', role, agencyId, agencyScope });

describe('agency scope', () => {
  it('gives coordinators, supervisors and agency admins their own agency by default', () => {
    for (const role of ['coordinator', 'supervisor', 'agency-admin'] as const) {
      expect(scopeAgencies(user(role))).toEqual(['unhcr']);
      expect(canSeeAgency(user(role), 'unhcr')).toBe(true);
      expect(canSeeAgency(user(role), 'icrc')).toBe(false);
    }
  });

  it('gives inter-agency coordinators their configured agencies (and always their own)', () => {
    const u = userFromClaims({ sub: 'a', role: 'coordinator', agency: 'unhcr', agencies: ['icrc', 'icrc'] });
    expect(scopeAgencies(u)).toEqual(['unhcr', 'icrc']);
    expect(canSeeAgency(u, 'icrc')).toBe(true);
    expect(canSeeAgency(u, 'savethechildren')).toBe(false);
    // a hand-built user without its own agency in the list still sees it
    expect(scopeAgencies(user('coordinator', 'unhcr', ['icrc']))).toEqual(['unhcr', 'icrc']);
  });

  it('gives system admins and auditors every agency', () => {
    expect(scopeAgencies(user('system-admin'))).toBe('*');
    expect(scopeAgencies(user('auditor'))).toBe('*');
    expect(canSeeAgency(user('auditor'), 'anything')).toBe(true);
  });

  it('lets a proposal be seen when either side is in scope', () => {
    expect(canSeeAnyAgency(user('coordinator'), ['icrc', 'unhcr'])).toBe(true);
    expect(canSeeAnyAgency(user('coordinator'), ['icrc', 'savethechildren'])).toBe(false);
    expect(canSeeAnyAgency(user('coordinator'), [])).toBe(false);
  });
});

describe('ScopeFilter', () => {
  it('narrows by a requested agency filter but never widens', () => {
    const u = user('coordinator', 'unhcr', ['unhcr', 'icrc']);
    expect(scopeFilter(u)).toEqual({ kind: 'agencies', agencyIds: ['unhcr', 'icrc'] });
    expect(scopeFilter(u, ['icrc'])).toEqual({ kind: 'agencies', agencyIds: ['icrc'] });
    expect(scopeFilter(u, ['savethechildren'])).toEqual({ kind: 'agencies', agencyIds: [] });
    expect(scopeFilter(u, [])).toEqual({ kind: 'agencies', agencyIds: ['unhcr', 'icrc'] });
    expect(scopeFilter(user('system-admin'))).toEqual({ kind: 'all' });
    expect(scopeFilter(user('auditor'), ['icrc'])).toEqual({ kind: 'agencies', agencyIds: ['icrc'] });
  });

  it('answers membership like canSeeAgency', () => {
    expect(filterAllows({ kind: 'all' }, 'x')).toBe(true);
    expect(filterAllows({ kind: 'agencies', agencyIds: ['a'] }, 'a')).toBe(true);
    expect(filterAllows({ kind: 'agencies', agencyIds: [] }, 'a')).toBe(false);
  });

  it('turns into positional SQL for pg', () => {
    expect(scopeSql({ kind: 'agencies', agencyIds: ['unhcr', 'icrc'] }, { paramIndex: 3 }))
      .toEqual({ sql: 'agency_id = ANY($3::text[])', params: [['unhcr', 'icrc']] });
    expect(scopeSql({ kind: 'agencies', agencyIds: [] }, { column: 'c.agency_id', paramIndex: 1 }))
      .toEqual({ sql: 'c.agency_id = ANY($1::text[])', params: [[]] });
    expect(scopeSql({ kind: 'all' }, { paramIndex: 1 })).toEqual({ sql: 'TRUE', params: [] });
  });

  it('turns into named SQL for the TypeORM query builder', () => {
    expect(scopeWhere({ kind: 'agencies', agencyIds: ['unhcr'] }, { column: 'child.agency_id' }))
      .toEqual({ sql: 'child.agency_id = ANY(:scopeAgencyIds)', params: { scopeAgencyIds: ['unhcr'] } });
    expect(scopeWhere({ kind: 'all' })).toEqual({ sql: 'TRUE', params: {} });
  });

  it('refuses column and parameter names that are not plain identifiers', () => {
    expect(() => scopeSql({ kind: 'all' }, { column: 'agency_id; DROP TABLE x', paramIndex: 1 })).toThrow(/bad column/);
    expect(() => scopeSql({ kind: 'all' }, { paramIndex: 0 })).toThrow(/paramIndex/);
    expect(() => scopeWhere({ kind: 'all' }, { paramName: 'a:b' })).toThrow(/parameter name/);
  });
});

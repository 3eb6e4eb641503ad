import { AuthUser, Role } from './auth-user';

/**
 * Agency scope: which agencies' records a user may see. Pure functions; repositories turn a
 * `ScopeFilter` into SQL so every list / get / search / export query carries it.
 *
 * The "minimal fields of the other side of a proposal" rule is not here: the proposal handler
 * decides with `canSeeAnyAgency` over both sides and then projects the other side's fields.
 */

/** Roles that see every agency's records (system-admin; auditor, read-only, for audit). */
export const ALL_AGENCY_ROLES: readonly Role[] = ['system-admin', 'auditor'];

export type AllAgencies = '*';

/** `'*'` for all agencies, otherwise the agencies in the user's scope (never empty). */
export function scopeAgencies(user: AuthUser): AllAgencies | readonly string[] {
  if (ALL_AGENCY_ROLES.includes(user.role)) return '*';
  return user.agencyScope.includes(user.agencyId) ? user.agencyScope : [user.agencyId, ...user.agencyScope];
}

export function canSeeAgency(user: AuthUser, agencyId: string): boolean {
  const scope = scopeAgencies(user);
  return scope === '*' || scope.includes(agencyId);
}

/** True if any of the agencies is in scope (e.g. either side of a match proposal). */
export function canSeeAnyAgency(user: AuthUser, agencyIds: Iterable<string>): boolean {
  for (const id of agencyIds) if (canSeeAgency(user, id)) return true;
  return false;
}

/** What a query may return: everything, or rows of these agencies only (possibly none). */
export type ScopeFilter =
  | { readonly kind: 'all' }
  | { readonly kind: 'agencies'; readonly agencyIds: readonly string[] };

/**
 * The filter for a user's queries, optionally narrowed by a requested agency filter (a query
 * parameter): the result is the intersection, so asking for another agency yields nothing rather
 * than widening the scope.
 */
export function scopeFilter(user: AuthUser, requested?: readonly string[]): ScopeFilter {
  const scope = scopeAgencies(user);
  const wanted = requested && requested.length > 0 ? [...new Set(requested)] : undefined;
  if (scope === '*') return wanted ? { kind: 'agencies', agencyIds: wanted } : { kind: 'all' };
  return { kind: 'agencies', agencyIds: wanted ? wanted.filter((a) => scope.includes(a)) : [...scope] };
}

export function filterAllows(filter: ScopeFilter, agencyId: string): boolean {
  return filter.kind === 'all' || filter.agencyIds.includes(agencyId);
}

/** `alias.column` or `column`, plain identifiers only (the column name is code, never input). */
const COLUMN = /^([a-z_][a-z0-9_]*\.)?[a-z_][a-z0-9_]*$/i;

export interface SqlCondition<P> {
  /** SQL boolean expression, e.g. `c.agency_id = ANY($3)` or `TRUE` */
  sql: string;
  params: P;
}

/**
 * Positional form (pg): `AND ${c.sql}` with `c.params` appended after the query's own parameters.
 * `paramIndex` is the `$n` number this condition's parameter takes.
 *
 *   const c = scopeSql(filter, { column: 'agency_id', paramIndex: params.length + 1 });
 *   sql += ` AND ${c.sql}`; params.push(...c.params);
 */
export function scopeSql(filter: ScopeFilter, options: { column?: string; paramIndex: number }): SqlCondition<unknown[]> {
  const column = checkedColumn(options.column ?? 'agency_id');
  if (!Number.isInteger(options.paramIndex) || options.paramIndex < 1) throw new Error(`bad paramIndex ${options.paramIndex}`);
  if (filter.kind === 'all') return { sql: 'TRUE', params: [] };
  return { sql: `${column} = ANY($${options.paramIndex}::text[])`, params: [[...filter.agencyIds]] };
}

/**
 * Named form (TypeORM query builder): `qb.andWhere(c.sql, c.params)`.
 */
export function scopeWhere(
  filter: ScopeFilter,
  options: { column?: string; paramName?: string } = {},
): SqlCondition<Record<string, string[]>> {
  const column = checkedColumn(options.column ?? 'agency_id');
  const name = options.paramName ?? 'scopeAgencyIds';
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) throw new Error(`bad parameter name ${name}`);
  if (filter.kind === 'all') return { sql: 'TRUE', params: {} };
  return { sql: `${column} = ANY(:${name})`, params: { [name]: [...filter.agencyIds] } };
}

function checkedColumn(column: string): string {
  if (!COLUMN.test(column)) throw new Error(`bad column name ${column}`);
  return column;
}

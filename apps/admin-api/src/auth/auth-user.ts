/**
 * Who is calling: built from a verified token's claims and nothing else. Handlers and repositories
 * take their agency scope from here, never from the request body or query.
 */
export const ROLES = ['coordinator', 'supervisor', 'auditor', 'agency-admin', 'system-admin'] as const;
export type Role = (typeof ROLES)[number];

export interface AuthUser {
  /** the token's `sub` */
  readonly id: string;
  readonly role: Role;
  /** the user's own agency (claim `agency`) */
  readonly agencyId: string;
  /**
   * agencies whose records the user may see (claim `agencies`; always includes `agencyId`).
   * Inter-agency coordinators get more than their own. Ignored for roles that see everything
   * (see `scopeAgencies`).
   */
  readonly agencyScope: readonly string[];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

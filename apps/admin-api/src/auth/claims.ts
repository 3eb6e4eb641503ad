import { z } from 'zod';
import { AuthError } from './auth.errors';
import { AuthUser, ROLES } from './auth-user';

/** Agency ids are used in topic names and SQL parameters: keep them to a safe alphabet. */
export const AGENCY_ID_PATTERN = /^[a-zA-Z0-9._-]{1,64}$/;

const agencyId = z.string().regex(AGENCY_ID_PATTERN);

const claimsSchema = z.object({
  sub: z.string().min(1).max(256),
  role: z.enum(ROLES),
  agency: agencyId,
  agencies: z.array(agencyId).max(256).optional(),
});

/**
 * Verified JWT claims → `AuthUser`. Missing `sub` or `agency`, an unknown `role` or a malformed
 * `agencies` list → `token_claims_invalid` (401). The own agency is always in the scope.
 */
export function userFromClaims(payload: Record<string, unknown>): AuthUser {
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '?')))].join(', ');
    throw new AuthError('token_claims_invalid', `token claims invalid: ${fields}`);
  }
  const { sub, role, agency, agencies } = parsed.data;
  const scope = [...new Set([agency, ...(agencies ?? [])])];
  return Object.freeze({ id: sub, role, agencyId: agency, agencyScope: Object.freeze(scope) });
}

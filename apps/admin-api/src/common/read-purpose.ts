import type { AuthUser } from '../auth';

/** Why a record is read, for the access log: auditors read for audit, everyone else for their work. */
export function readPurpose(user: AuthUser, work: 'match-review' | 'case-management'): string {
  return user.role === 'auditor' ? 'audit' : work;
}

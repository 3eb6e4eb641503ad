import { KinlinkEvent, MatchProposed } from '@kinlink/contracts';

/** Agency of the inter-agency coordination body: never held from (as in the cases service). */
export const INTER_AGENCY = 'kinlink';

/** A proposal held for a protection review: notices to agencies other than the child's wait. */
export interface ProtectionHold {
  proposalId: string;
  childAgencyId: string;
  level: 'elevated' | 'high';
}

/**
 * The hold a new proposal starts with (pure): the child side at the highest safeguarding level,
 * when that level is `elevated` or `high` — the same rule the cases service applies.
 */
export function protectionHoldOf(event: KinlinkEvent): ProtectionHold | null {
  if (event.type !== 'match.proposed') return null;
  const p = event.payload as unknown as MatchProposed;
  const rank = { none: 0, elevated: 1, high: 2 } as const;
  const top = [p.left, p.right].filter((s) => s.type === 'child')
    .sort((a, b) => rank[b.safeguardingLevel ?? 'none'] - rank[a.safeguardingLevel ?? 'none'])[0];
  if (!top || !top.safeguardingLevel || top.safeguardingLevel === 'none') return null;
  return { proposalId: p.proposalId, childAgencyId: top.agencyId, level: top.safeguardingLevel };
}

/** Whether a notice for a record owned by `agencyId` (undefined: not known yet) waits for the release. */
export function isHeldFrom(childAgencyId: string, agencyId: string | undefined): boolean {
  return agencyId !== childAgencyId && agencyId !== INTER_AGENCY;
}

/** The proposal an event is about, when a hold may apply to it. */
export function proposalIdOf(event: KinlinkEvent): string | null {
  const p = event.payload as unknown as { proposalId?: unknown };
  return typeof p?.proposalId === 'string' && p.proposalId ? p.proposalId : null;
}


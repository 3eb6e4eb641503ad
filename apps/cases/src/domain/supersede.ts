/**
 * The supersede cascade. When a child is reunified, every other open proposal and case for that child
 * or for that tracing request becomes `superseded` (reunited elsewhere), and the agencies owning the
 * records involved are told.
 *
 * planSupersede() only computes the plan; the service applies it by running each ready-made command
 * through decideTransition / decideOnProposal as the system actor (the command ids are deterministic,
 * so a retried cascade is idempotent), and publishes the events.
 *
 * Precisions:
 * - "open" case: any status but closed and superseded (so a case in follow-up for the same child is
 *   superseded too; it is also listed in `conflicts`, because two reunifications of one child need a look).
 * - "open" proposal: awaiting a decision (pending, info_requested). Decided ones — confirmed, rejected,
 *   and the tentative marks possible_sibling / possible_duplicate — are coordinators' findings and stay.
 * - Only proposal kinds that are reunification candidates are superseded (by default `child-sought` and
 *   `same-sought-child`). `duplicate-child` and `possible-sibling` proposals concern record quality and
 *   sibling links, which stay useful after a reunification: they are listed in `keptOpen` instead.
 * - A tracing request may seek several children (siblings). When both the reunified case and the other
 *   case/proposal name the sought child (`soughtChildRef`) and the names differ, the other one is about
 *   a sibling and is not reached through the tracing request.
 */
import { CaseStatus, OPEN_CASE_STATUSES } from './case-status';
import { CaseCommand } from './case-workflow';
import { MatchKind, OPEN_PROPOSAL_STATUSES, ProposalDecision, ProposalSide, ProposalStatus } from './proposal-decision';

export interface ReunifiedCaseRef {
  caseId: string;
  childId: string;
  tracingRequestId: string;
  soughtChildRef?: string | null;
  childAgencyId?: string;
  requestAgencyId?: string;
}

/** A case as the cascade sees it (a CaseState fits). */
export interface CaseRef {
  caseId: string;
  status: CaseStatus;
  childId: string;
  tracingRequestId: string;
  soughtChildRef?: string | null;
  childAgencyId?: string;
  requestAgencyId?: string;
}

/** A proposal as the cascade sees it (a ProposalState fits). */
export interface ProposalRef {
  proposalId: string;
  status: ProposalStatus;
  kind: MatchKind;
  left: ProposalSide;
  right: ProposalSide;
}

export type SupersedeLink = 'same_child' | 'same_tracing_request' | 'same_child_and_tracing_request';

export interface SupersedeOptions {
  /** proposal kinds that are superseded; default SUPERSEDED_PROPOSAL_KINDS */
  proposalKinds?: readonly MatchKind[];
}

export const SUPERSEDED_PROPOSAL_KINDS: readonly MatchKind[] = ['child-sought', 'same-sought-child'];

export interface SupersedePlan {
  byCaseId: string;
  cases: Array<{ caseId: string; from: CaseStatus; link: SupersedeLink; command: CaseCommand & { type: 'supersede' } }>;
  proposals: Array<{ proposalId: string; from: ProposalStatus; link: SupersedeLink; decision: ProposalDecision & { type: 'supersede' } }>;
  /** open proposals linked to the child or request but of a kind that is not superseded (see module comment) */
  keptOpen: Array<{ proposalId: string; kind: MatchKind; link: SupersedeLink }>;
  /** superseded cases that were already reunified or in follow-up: two reunifications of one child */
  conflicts: string[];
  /** agencies owning any record involved (the reunified case's and the superseded ones'), sorted */
  notifyAgencyIds: string[];
}

/** Deterministic command id of the cascade for one reunified case. */
export function supersedeCommandId(byCaseId: string): string {
  return `supersede:${byCaseId}`;
}

/** Two sought-child refs denote different children only when both are known and differ. */
function sameSoughtChild(a: string | null | undefined, b: string | null | undefined): boolean {
  return !(a && b && a !== b);
}

function linkOf(sameChild: boolean, sameRequest: boolean): SupersedeLink | null {
  if (sameChild && sameRequest) return 'same_child_and_tracing_request';
  if (sameChild) return 'same_child';
  if (sameRequest) return 'same_tracing_request';
  return null;
}

export function caseLink(reunified: ReunifiedCaseRef, c: CaseRef): SupersedeLink | null {
  return linkOf(
    c.childId === reunified.childId,
    c.tracingRequestId === reunified.tracingRequestId && sameSoughtChild(c.soughtChildRef, reunified.soughtChildRef),
  );
}

export function proposalLink(reunified: ReunifiedCaseRef, p: ProposalRef): SupersedeLink | null {
  const sides = [p.left, p.right];
  return linkOf(
    sides.some((s) => s.type === 'child' && s.id === reunified.childId),
    sides.some((s) => s.type === 'sought-child' && s.id === reunified.tracingRequestId && sameSoughtChild(s.ref, reunified.soughtChildRef)),
  );
}

/** What becomes superseded when `reunified` is reunified, among the given cases and proposals. */
export function planSupersede(
  reunified: ReunifiedCaseRef,
  candidates: { cases?: readonly CaseRef[]; proposals?: readonly ProposalRef[] },
  options: SupersedeOptions = {},
): SupersedePlan {
  const kinds = options.proposalKinds ?? SUPERSEDED_PROPOSAL_KINDS;
  const commandId = supersedeCommandId(reunified.caseId);
  const agencies = new Set<string>();
  const addAgency = (a: string | undefined) => {
    if (a) agencies.add(a);
  };
  addAgency(reunified.childAgencyId);
  addAgency(reunified.requestAgencyId);

  const plan: SupersedePlan = { byCaseId: reunified.caseId, cases: [], proposals: [], keptOpen: [], conflicts: [], notifyAgencyIds: [] };

  const seenCases = new Set<string>();
  for (const c of candidates.cases ?? []) {
    if (c.caseId === reunified.caseId || seenCases.has(c.caseId) || !OPEN_CASE_STATUSES.includes(c.status)) continue;
    const link = caseLink(reunified, c);
    if (!link) continue;
    seenCases.add(c.caseId);
    plan.cases.push({ caseId: c.caseId, from: c.status, link, command: { type: 'supersede', supersededByCaseId: reunified.caseId, commandId } });
    if (c.status === CaseStatus.Reunified || c.status === CaseStatus.FollowUp) plan.conflicts.push(c.caseId);
    addAgency(c.childAgencyId);
    addAgency(c.requestAgencyId);
  }

  const seenProposals = new Set<string>();
  for (const p of candidates.proposals ?? []) {
    if (seenProposals.has(p.proposalId) || !OPEN_PROPOSAL_STATUSES.includes(p.status)) continue;
    const link = proposalLink(reunified, p);
    if (!link) continue;
    seenProposals.add(p.proposalId);
    if (!kinds.includes(p.kind)) {
      plan.keptOpen.push({ proposalId: p.proposalId, kind: p.kind, link });
      continue;
    }
    plan.proposals.push({ proposalId: p.proposalId, from: p.status, link, decision: { type: 'supersede', byCaseId: reunified.caseId, commandId } });
    addAgency(p.left.agencyId);
    addAgency(p.right.agencyId);
  }

  plan.cases.sort((a, b) => a.caseId.localeCompare(b.caseId));
  plan.proposals.sort((a, b) => a.proposalId.localeCompare(b.proposalId));
  plan.keptOpen.sort((a, b) => a.proposalId.localeCompare(b.proposalId));
  plan.conflicts.sort();
  plan.notifyAgencyIds = [...agencies].sort();
  return plan;
}

/**
 * Objects of every kind the admin API serves, seen from agency `unhcr`, created through agency
 * events (and a coordinator's confirmations) for the authorisation matrix and the response-key
 * snapshots:
 *
 *   own     records, proposal, case and command of unhcr alone (child and tracing request both unhcr)
 *   shared  another agency's object linked to a unhcr record through a proposal
 *           (icrc's tracing request and child matched with unhcr's records; their proposal, case, command)
 *   other   objects of agencies with no link to unhcr (an icrc child, a save-the-children tracing request)
 */
import { randomUUID } from 'node:crypto';
import { eventually } from '@kinlink/testing';
import { api, token } from './system';
import { Family, fileTracingRequest, kinlinkIdOf, newFamily, proposalBetween, registerChild } from './scenarios';

export const CALLER_AGENCY = 'unhcr';
export const CONTEXT_AGENCY = { own: 'unhcr', shared: 'icrc', other: 'save-the-children' } as const;
export type ObjectContext = keyof typeof CONTEXT_AGENCY;
export type ObjectKind = 'child' | 'tracing-request' | 'proposal' | 'case' | 'command';

export interface AccessFixtures {
  since: string;
  families: Record<'own' | 'sharedRequest' | 'sharedChild' | 'other', Family>;
  objects: Record<ObjectKind, Record<ObjectContext, string>>;
  /** ids that exist nowhere, per kind */
  missing: Record<ObjectKind, string>;
  /** every record, proposal and case this fixture created (lists may also hold other tests' late arrivals) */
  created: ReadonlySet<string>;
}

export async function createAccessFixtures(): Promise<AccessFixtures> {
  const since = new Date(Date.now() - 1000).toISOString();
  const [unhcr, icrc, all] = await Promise.all([
    token('coordinator', 'unhcr', 'fixtures-coordinator-unhcr'), token('coordinator', 'icrc', 'fixtures-coordinator-icrc'),
    token('system-admin', 'kinlink', 'fixtures-system-admin'),
  ]);
  const families = { own: newFamily(), sharedRequest: newFamily(), sharedChild: newFamily(), other: newFamily() };
  const published = {
    ownChild: await registerChild('unhcr', families.own),
    ownRequest: await fileTracingRequest('unhcr', families.own),
    sharedRequestChild: await registerChild('unhcr', families.sharedRequest),
    sharedRequest: await fileTracingRequest('icrc', families.sharedRequest),
    sharedChild: await registerChild('icrc', families.sharedChild),
    sharedChildRequest: await fileTracingRequest('unhcr', families.sharedChild),
    otherChild: await registerChild('icrc', families.other),
    otherRequest: await fileTracingRequest('save-the-children', families.other),
  };
  const [ownChild, ownRequest, sharedRequestChild, sharedRequest, sharedChild, sharedChildRequest, otherChild, otherRequest] = await Promise.all([
    kinlinkIdOf(all, published.ownChild, 'child', families.own),
    kinlinkIdOf(all, published.ownRequest, 'tracing-request', families.own),
    kinlinkIdOf(all, published.sharedRequestChild, 'child', families.sharedRequest),
    kinlinkIdOf(all, published.sharedRequest, 'tracing-request', families.sharedRequest),
    kinlinkIdOf(all, published.sharedChild, 'child', families.sharedChild),
    kinlinkIdOf(all, published.sharedChildRequest, 'tracing-request', families.sharedChild),
    kinlinkIdOf(all, published.otherChild, 'child', families.other),
    kinlinkIdOf(all, published.otherRequest, 'tracing-request', families.other),
  ]);
  const [ownProposal, sharedProposal, sharedChildProposal, otherProposal] = await Promise.all([
    proposalBetween(all, ownChild, ownRequest, since),
    proposalBetween(all, sharedRequestChild, sharedRequest, since),
    proposalBetween(all, sharedChild, sharedChildRequest, since),
    proposalBetween(all, otherChild, otherRequest, since),
  ]);
  const confirm = async (bearer: string, proposalId: string) => {
    const res = await api('POST', `/proposals/${proposalId}/decisions`, bearer, { decision: 'confirm' });
    if (res.status !== 200 || !res.body.caseId) throw new Error(`confirming ${proposalId}: ${res.status} ${JSON.stringify(res.body)}`);
    return { caseId: res.body.caseId as string, commandId: res.body.commandId as string };
  };
  const own = await confirm(unhcr, ownProposal.id);
  const shared = await confirm(icrc, sharedProposal.id);
  const other = await confirm(icrc, otherProposal.id);
  await eventually(async () => {
    for (const c of [own, shared, other]) expect((await api('GET', `/cases/${c.caseId}`, all)).status).toBe(200);
  });
  return {
    since,
    families,
    objects: {
      child: { own: ownChild, shared: sharedChild, other: otherChild },
      'tracing-request': { own: ownRequest, shared: sharedRequest, other: otherRequest },
      proposal: { own: ownProposal.id, shared: sharedProposal.id, other: otherProposal.id },
      case: { own: own.caseId, shared: shared.caseId, other: other.caseId },
      command: { own: own.commandId, shared: shared.commandId, other: other.commandId },
    },
    missing: { child: randomUUID(), 'tracing-request': randomUUID(), proposal: randomUUID(), case: randomUUID(), command: randomUUID() },
    created: new Set([
      ownChild, ownRequest, sharedRequestChild, sharedRequest, sharedChild, sharedChildRequest, otherChild, otherRequest,
      ownProposal.id, sharedProposal.id, sharedChildProposal.id, otherProposal.id, own.caseId, shared.caseId, other.caseId,
    ]),
  };
}

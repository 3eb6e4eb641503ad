/**
 * Consent gates sharing (issue 7): a child without consent for sharing is never shown to another
 * agency's users, a child without consent for tracing is never proposed across agencies, and a
 * consent change takes effect from the next event on (open cross-agency proposals are withdrawn)
 * and is in the audit log.
 */
import { eventually } from '@kinlink/testing';
import { agencyEvent, api, disconnectKafka, publishToAgencyTopic, token } from './support/system';
import { childRegistration, fileTracingRequest, kinlinkIdOf, newFamily, proposalBetween, PublishedRecord, registerChild } from './support/scenarios';

jest.setTimeout(120_000);

describe('consent gates sharing', () => {
  let unhcr: string;
  let icrc: string;
  let auditor: string;
  const since = new Date(Date.now() - 1000).toISOString();

  beforeAll(async () => {
    [unhcr, icrc, auditor] = await Promise.all([
      token('coordinator', 'unhcr', 'consent-unhcr'), token('coordinator', 'icrc', 'consent-icrc'), token('auditor', 'kinlink', 'consent-auditor'),
    ]);
  });
  afterAll(() => disconnectKafka());

  const update = (child: PublishedRecord, f: ReturnType<typeof newFamily>, consent: { tracing: boolean; sharing: boolean }) =>
    publishToAgencyTopic('unhcr', JSON.stringify(agencyEvent('child.updated', 'unhcr', child.agencyRecordId, { ...childRegistration(f), consent })), child.agencyRecordId);

  it('withholds the child from the other agency without sharing consent, withdraws proposals without tracing consent, audits the change', async () => {
    const f = newFamily();
    const child = await registerChild('unhcr', f);
    const request = await fileTracingRequest('icrc', f);
    const childId = await kinlinkIdOf(unhcr, child, 'child', f);
    const requestId = await kinlinkIdOf(icrc, request, 'tracing-request', f);
    const proposal = await proposalBetween(icrc, childId, requestId, since);
    const asIcrc = async () => (await api('GET', `/proposals/${proposal.id}`, icrc)).body;
    expect((await asIcrc()).left).toMatchObject({ id: childId, access: 'minimal', record: { name: { given: f.given } } });
    // the child's date of birth is the child's alone (the request gives an estimated age)
    expect(JSON.stringify(await asIcrc())).toContain(f.dateOfBirth);

    // sharing withdrawn: the other agency sees that there is a child, not who
    await update(child, f, { tracing: true, sharing: false });
    await eventually(async () => expect((await asIcrc()).left).toMatchObject({ id: childId, access: 'withheld', record: null }), { timeoutMs: 30_000 });
    // nor through the explanation: the child's compared values are withheld too (the sought child's are icrc's own)
    const withheld = await asIcrc();
    expect(JSON.stringify(withheld)).not.toContain(f.dateOfBirth);
    expect(withheld.explanation.some((x: { left?: unknown; right?: unknown }) => x.left === '[withheld]' || x.right === '[withheld]')).toBe(true);
    // the own agency still sees it in full
    expect((await api('GET', `/proposals/${proposal.id}`, unhcr)).body.left).toMatchObject({ access: 'full', record: { name: { given: f.given } } });

    // tracing withdrawn: the cross-agency proposal is withdrawn at once
    await update(child, f, { tracing: false, sharing: false });
    await eventually(async () => expect((await api('GET', `/proposals/${proposal.id}`, unhcr)).body.status).toBe('withdrawn'), { timeoutMs: 30_000 });

    // both changes are in the audit log as consent changes
    await eventually(async () => {
      const r = await api('GET', `/audit/subjects/${childId}?limit=50`, auditor);
      const changes = r.body.entries.filter((e: { eventType: string; reasonCode?: string }) => e.eventType === 'child.updated' && e.reasonCode === 'consent_changed');
      expect(changes).toHaveLength(2);
      const p = await api('GET', `/audit/subjects/${proposal.id}?limit=50`, auditor);
      expect(p.body.entries.some((e: { eventType: string; reasonCode?: string }) => e.eventType === 'match.withdrawn' && e.reasonCode === 'consent_withdrawn')).toBe(true);
    }, { timeoutMs: 30_000 });

    // a new tracing request for the same child is not proposed across agencies while consent is withheld
    const again = await fileTracingRequest('icrc', f);
    const againId = await kinlinkIdOf(icrc, again, 'tracing-request', f);
    // (matching has seen it once it proposes it as the same sought child as the first request: same agency, no consent needed)
    const list = async () => (await api('GET', `/proposals?createdSince=${encodeURIComponent(since)}&limit=100`, icrc)).body.items as Array<{ kind: string; left: { id: string }; right: { id: string } }>;
    await eventually(async () => expect((await list()).some((p) => p.kind === 'same-sought-child' && [p.left.id, p.right.id].includes(againId))).toBe(true), { timeoutMs: 30_000 });
    expect((await list()).some((p) => p.kind === 'child-sought' && p.left.id === childId && p.right.id === againId)).toBe(false);
  });
});

/**
 * The queries coordinators work with, against the running system: children and tracing-request
 * lists with filters (agency, status, registered since) and keyset pagination; fuzzy, cross-script
 * name search (محمد ≈ Mohammed ≈ Muhamad) over the admin API's own records projection; proposals
 * filtered by the child's age. Every list applies the caller's agency scope.
 */
import { randomUUID } from 'node:crypto';
import { eventually } from '@kinlink/testing';
import { agencyEvent, api, disconnectKafka, publishToAgencyTopic, token } from './support/system';
import {
  childRegistration, closeTracingRequest, fileTracingRequest, kinlinkIdOf, newFamily, proposalBetween, PublishedRecord, rejectPendingSince, tracingRequestFiling,
} from './support/scenarios';

jest.setTimeout(180_000);

describe('children, tracing requests and proposals: filters, fuzzy name search, age', () => {
  const since = new Date(Date.now() - 1000).toISOString();
  const birth = new Date(Date.now() - (9 * 365.25 + 182) * 86_400_000).toISOString().slice(0, 10); // 9½ years ago
  const aged = { ...newFamily(), dateOfBirth: birth };
  const other = newFamily();
  let coordinator: string, coordinatorIcrc: string, admin: string;
  let faisal: PublishedRecord, agedChild: PublishedRecord, agedRequest: PublishedRecord, icrcChild: PublishedRecord, warsameRequest: PublishedRecord;
  let faisalId: string, agedChildId: string, agedRequestId: string, icrcChildId: string;

  const publish = async (agencyId: string, type: string, data: unknown): Promise<PublishedRecord> => {
    const agencyRecordId = `${agencyId.toUpperCase()}-Q-${randomUUID().slice(0, 8)}`;
    await publishToAgencyTopic(agencyId, JSON.stringify(agencyEvent(type, agencyId, agencyRecordId, data)), agencyRecordId);
    return { agencyId, agencyRecordId };
  };

  beforeAll(async () => {
    [coordinator, coordinatorIcrc, admin] = await Promise.all([
      token('coordinator', 'unhcr', 'queries-coordinator'), token('coordinator', 'icrc', 'queries-coordinator-icrc'), token('system-admin', 'kinlink', 'queries-admin'),
    ]);
    faisal = await publish('unhcr', 'child.registered', {
      ...childRegistration(newFamily()), name: { given: 'Faisal', family: 'Warsame', original: 'فيصل ورسمه' }, sex: 'male', dateOfBirth: '2015-01-20',
    });
    agedChild = await publish('unhcr', 'child.registered', childRegistration(aged));
    agedRequest = await fileTracingRequest('icrc', aged);
    icrcChild = await publish('icrc', 'child.registered', childRegistration(other));
    const request = tracingRequestFiling(other, 'mother');
    warsameRequest = await publish('unhcr', 'tracing-request.filed', {
      ...request, inquirer: { ...request.inquirer, name: { given: 'Hodan', family: 'Warsame', original: 'هودان ورسمه' } },
    });
    faisalId = await kinlinkIdOf(coordinator, faisal, 'child', { given: 'Faisal' });
    agedChildId = await kinlinkIdOf(coordinator, agedChild, 'child', aged);
    agedRequestId = await kinlinkIdOf(admin, agedRequest, 'tracing-request', aged);
    icrcChildId = await kinlinkIdOf(admin, icrcChild, 'child', other);
  });
  afterAll(async () => {
    await rejectPendingSince(since);
    await disconnectKafka();
  });

  const ids = (res: { body: { items: Array<{ id: string }> } }) => res.body.items.map((i) => i.id);

  it('lists children of the agencies in scope, filtered by agency, status and registration date, in pages', async () => {
    const mine = await api('GET', `/children?registeredSince=${encodeURIComponent(since)}&limit=100`, coordinator);
    expect(mine.status).toBe(200);
    expect(ids(mine)).toEqual(expect.arrayContaining([faisalId, agedChildId]));
    expect(ids(mine)).not.toContain(icrcChildId);
    expect(mine.body.items.every((i: { agencyId: string }) => i.agencyId === 'unhcr')).toBe(true);
    // a list shows who the child is, not where they are
    expect(JSON.stringify(mine.body)).not.toMatch(/currentLocation|careArrangement|Hitsats|placeOfOrigin/);
    expect(mine.body.items.find((i: { id: string }) => i.id === faisalId)).toMatchObject({ agencyRecordId: faisal.agencyRecordId, status: 'open', name: { given: 'Faisal' }, sex: 'male' });

    // another agency's filter never widens the scope
    expect(ids(await api('GET', `/children?registeredSince=${encodeURIComponent(since)}&agency=icrc`, coordinator))).toEqual([]);
    const icrcOnly = await api('GET', `/children?registeredSince=${encodeURIComponent(since)}&agency=icrc&limit=100`, admin);
    expect(ids(icrcOnly)).toEqual([icrcChildId]);
    expect(ids(await api('GET', `/children?registeredSince=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, admin))).toEqual([]);

    // keyset pagination: page by page, the same records in the same order, each once
    const all = ids(await api('GET', `/children?registeredSince=${encodeURIComponent(since)}&limit=100`, admin));
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Array<{ id: string }>; nextCursor: string | null } } =
        await api('GET', `/children?registeredSince=${encodeURIComponent(since)}&limit=1${cursor ? `&cursor=${cursor}` : ''}`, admin);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      paged.push(...ids(page));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
    expect(all.length).toBeGreaterThanOrEqual(3);

    // bounded, validated parameters
    for (const bad of ['limit=1000', 'status=lost', 'registeredSince=yesterday', 'agency=UNHCR!', 'cursor=nonsense', 'owner=me']) {
      const res = await api('GET', `/children?${bad}`, coordinator);
      expect([bad, res.status, res.body.code]).toEqual([bad, 400, 'invalid_request']);
    }
  });

  it('filters tracing requests by status', async () => {
    await closeTracingRequest(warsameRequest);
    const closed = await eventually(async () => {
      const res = await api('GET', `/tracing-requests?registeredSince=${encodeURIComponent(since)}&status=closed`, coordinator);
      expect(res.body.items.map((i: { agencyRecordId: string }) => i.agencyRecordId)).toContain(warsameRequest.agencyRecordId);
      return res;
    });
    expect(closed.body.items.every((i: { status: string }) => i.status === 'closed')).toBe(true);
    const open = await api('GET', `/tracing-requests?registeredSince=${encodeURIComponent(since)}&status=open&limit=100`, coordinator);
    expect(open.body.items.map((i: { agencyRecordId: string }) => i.agencyRecordId)).not.toContain(warsameRequest.agencyRecordId);
  });

  it('finds a child by name across scripts and spellings, best match first, within scope only', async () => {
    for (const name of ['فيصل ورسمه', 'Faisal Warsame', 'Faysal Warsame']) {
      const res = await api('GET', `/children?name=${encodeURIComponent(name)}&registeredSince=${encodeURIComponent(since)}`, coordinator);
      expect([name, res.status]).toEqual([name, 200]);
      expect([name, res.body.items[0]?.id]).toEqual([name, faisalId]);
      expect(res.body.items[0].match).toEqual({ probability: expect.any(Number), matchedOn: 'child' });
      expect(res.body.items[0].match.probability).toBeGreaterThan(0);
      const p = res.body.items.map((i: { match: { probability: number } }) => i.match.probability);
      expect(p).toEqual([...p].sort((a, b) => b - a));
    }
    // the icrc coordinator does not find unhcr's child
    const icrc = await api('GET', `/children?name=${encodeURIComponent('فيصل ورسمه')}`, coordinatorIcrc);
    expect(ids(icrc)).not.toContain(faisalId);
    // nobody by that name
    expect(ids(await api('GET', `/children?name=${encodeURIComponent('Zzyzx Qwrtp')}&registeredSince=${encodeURIComponent(since)}`, coordinator))).toEqual([]);
  });

  it('finds a tracing request by the name of the child sought or of the person searching', async () => {
    const byInquirer = await api('GET', `/tracing-requests?name=${encodeURIComponent('هودان ورسمه')}&registeredSince=${encodeURIComponent(since)}`, coordinator);
    expect(byInquirer.body.items[0]).toMatchObject({ agencyRecordId: warsameRequest.agencyRecordId, match: { matchedOn: 'inquirer' } });
    const bySought = await api('GET', `/tracing-requests?name=${encodeURIComponent(`${aged.given} ${aged.family}`)}&registeredSince=${encodeURIComponent(since)}`, admin);
    expect(bySought.body.items[0]).toMatchObject({ id: agedRequestId, match: { matchedOn: 'sought-child:c1' } });
    expect(bySought.body.items[0].inquirer).toEqual({ name: { given: aged.mother, family: aged.family }, relation: 'mother' });
    // icrc's request is not unhcr's to search
    const scoped = await api('GET', `/tracing-requests?name=${encodeURIComponent(`${aged.given} ${aged.family}`)}&registeredSince=${encodeURIComponent(since)}`, coordinator);
    expect(ids(scoped)).not.toContain(agedRequestId);
  });

  it('a look-alike arriving after a proposal was rejected: the view shows the new probability, the rejection stays', async () => {
    // a neighbour looks for a boy by name and age only; the first boy registered fits, so does a second one registered later
    const f = { ...newFamily(), sex: 'male' as const };
    const boy = (dateOfBirth: string) => ({ ...childRegistration({ ...newFamily(), given: f.given, family: f.family, sex: 'male' }), dateOfBirth });
    const first = await publish('unhcr', 'child.registered', boy('2016-03-12'));
    const request = await publish('icrc', 'tracing-request.filed', {
      inquiryDate: '2026-10-12', inquirer: { name: { given: 'Faarax', family: 'Warsame' }, relation: 'other', sex: 'male' },
      soughtChildren: [{ ref: 'c1', name: { given: f.given, family: f.family }, sex: 'male', estimatedAge: { years: 10, asOf: '2026-10-12' } }],
      consent: { tracing: true, sharing: true },
    });
    const firstId = await kinlinkIdOf(coordinator, first, 'child', f);
    const requestId = await kinlinkIdOf(admin, request, 'tracing-request', f);
    const proposal = await proposalBetween(coordinator, firstId, requestId, since);
    const before = (await api('GET', `/proposals/${proposal.id}`, coordinator)).body;
    expect(before.rescored).toBeNull();
    const rejected = await api('POST', `/proposals/${proposal.id}/decisions`, coordinator, { decision: 'reject', reasonCode: 'not_same_child' });
    expect([200, 202]).toContain(rejected.status);
    await eventually(async () => expect((await api('GET', `/proposals/${proposal.id}`, coordinator)).body.status).toBe('rejected'));

    await publish('unhcr', 'child.registered', boy('2015-12-20'));
    const after = await eventually(async () => {
      const res = await api('GET', `/proposals/${proposal.id}`, coordinator);
      expect(res.body.rescored).not.toBeNull();
      return res.body;
    }, { timeoutMs: 30_000 });
    expect(after.rescored).toEqual({ previousProbability: before.probability, reason: 'rival_arrived', at: expect.any(String) });
    expect(after.probability).toBeLessThan(before.probability - 0.05);
    expect(after).toMatchObject({ status: 'rejected', decision: { decision: 'reject', reasonCode: 'not_same_child' } });
    expect(after.explanation.find((x: { field: string }) => x.field === 'competing-candidates').note).toContain('rival candidates');
    // and the audit trail of the proposal has it, with its reason
    const auditor = await token('auditor', 'kinlink', 'queries-auditor');
    await eventually(async () => {
      const trail = await api('GET', `/audit/subjects/${proposal.id}`, auditor);
      expect(trail.body.entries.map((x: { eventType: string; reasonCode?: string }) => [x.eventType, x.reasonCode ?? null]))
        .toEqual(expect.arrayContaining([['match.proposed', null], ['match.rescored', 'rival_arrived']]));
    }, { timeoutMs: 30_000, intervalMs: 500 });
  });

  it("filters proposals by the child's age in years", async () => {
    const proposal = await proposalBetween(coordinator, agedChildId, agedRequestId, since);
    const within = (q: string) => api('GET', `/proposals?createdSince=${encodeURIComponent(since)}&limit=100&${q}`, coordinator);
    expect(ids(await within('ageMin=9&ageMax=9'))).toContain(proposal.id);
    expect(ids(await within('ageMin=8'))).toContain(proposal.id);
    expect(ids(await within('ageMax=10'))).toContain(proposal.id);
    expect(ids(await within('ageMin=10'))).not.toContain(proposal.id);
    expect(ids(await within('ageMax=8'))).not.toContain(proposal.id);
    expect((await within('ageMin=10&ageMax=8')).status).toBe(400);
    expect((await within('ageMin=-1')).status).toBe(400);
  });
});

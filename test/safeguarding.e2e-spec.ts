/**
 * Safeguarding, through the running system (six services, real Kafka, real PostgreSQL):
 * - a proposal for a child at `high` safeguarding is held for a protection review: the other agency
 *   sees only that it is under review (list and detail), cannot act on it, and hears nothing on its
 *   outbound topic until a supervisor of the child's agency releases it (a coordinator, or a
 *   supervisor of the other agency, may not);
 * - a restriction naming the inquirer blocks confirmation (rule named); a supervisor overrides it
 *   with a recorded reason;
 * - no location, care arrangement or restricted person ever leaves for another agency (every
 *   agency's outbound topic scanned);
 * - the review queue is ordered by the documented priority on a seeded mix, filters by it, and the
 *   dashboard counts high-safeguarding proposals awaiting review per agency.
 */
import { randomUUID } from 'node:crypto';
import { eventually } from '@kinlink/testing';
import { agencyEvent, api, disconnectKafka, publishToAgencyTopic, token } from './support/system';
import { Family, kinlinkIdOf, newFamily, PublishedRecord, tracingRequestFiling, watchOutbound } from './support/scenarios';

jest.setTimeout(240_000);

const CHILD_AGENCY = 'unhcr';
const REQUEST_AGENCY = 'icrc';
const QUEUE_REQUEST_AGENCY = 'save-the-children';
const AGENCIES = [CHILD_AGENCY, REQUEST_AGENCY, QUEUE_REQUEST_AGENCY];
const uniq = () => randomUUID().slice(0, 6);

interface ChildExtras {
  dateOfBirth: string;
  separatedOn?: string;
  specificNeeds?: string[];
  safeguarding?: Record<string, unknown>;
  currentLocation?: { text: string; country: string };
  careArrangement?: Record<string, unknown>;
}

function childWith(f: Family, x: ChildExtras) {
  return {
    name: { given: f.given, family: f.family },
    sex: f.sex,
    dateOfBirth: x.dateOfBirth,
    placeOfOrigin: { text: f.town, country: f.country },
    separation: { date: x.separatedOn ?? f.separatedOn, cause: f.cause },
    languages: [f.language],
    family: { mother: { name: { given: f.mother, family: f.family } }, father: { name: { given: f.father, family: f.family } } },
    status: 'separated',
    registeredOn: '2026-10-01',
    currentLocation: x.currentLocation ?? { text: 'Kakuma reception centre', country: 'KE' },
    careArrangement: x.careArrangement ?? { type: 'kinship' },
    consent: { tracing: true, sharing: true },
    ...(x.specificNeeds ? { specificNeeds: x.specificNeeds } : {}),
    ...(x.safeguarding ? { safeguarding: x.safeguarding } : {}),
  };
}

async function publish(agencyId: string, type: 'child.registered' | 'tracing-request.filed', data: unknown): Promise<PublishedRecord> {
  const agencyRecordId = `${agencyId.toUpperCase()}-${type === 'child.registered' ? 'C' : 'T'}-${randomUUID().slice(0, 8)}`;
  await publishToAgencyTopic(agencyId, JSON.stringify(agencyEvent(type, agencyId, agencyRecordId, data)), agencyRecordId);
  return { agencyId, agencyRecordId };
}

/** A request whose sought child has the same age as the registered child (estimated at the inquiry). */
function requestFor(f: Family, dateOfBirth: string, separatedOn: string, inquirer: 'mother' | 'father') {
  return tracingRequestFiling({ ...f, dateOfBirth, separatedOn }, inquirer);
}

describe('safeguarding: protection review, restricted inquirers, no disclosure, review priority', () => {
  const since = new Date(Date.now() - 1000).toISOString();
  const outbound: Record<string, Awaited<ReturnType<typeof watchOutbound>>> = {};
  let coordUnhcr: string, supUnhcr: string, coordIcrc: string, supIcrc: string, coordStc: string;

  // the held child: 3 years old, high safeguarding, the father must not learn where the child is
  const held = newFamily();
  const heldDob = `${new Date().getUTCFullYear() - 3}-02-14`;
  const secretLocation = `Kalobeyei safe house ${uniq()}`;
  const secretCare = `Foster home of Mama Wanjiru ${uniq()}`;
  const heldChild = childWith(held, {
    dateOfBirth: heldDob, separatedOn: '2026-06-10', specificNeeds: ['unaccompanied_under_5'],
    currentLocation: { text: secretLocation, country: 'KE' },
    careArrangement: { type: 'foster', location: { text: secretCare, country: 'KE' } },
    safeguarding: {
      level: 'high', concerns: ['family_member_suspected_of_harm', 'trafficking_indicators'],
      restrictions: { doNotDiscloseLocation: true, doNotDiscloseTo: [{ name: { given: held.father, family: held.family }, relation: 'father' }], supervisorReviewBeforeContact: true },
    },
  });
  let heldChildId: string, heldRequestId: string, heldProposal: string;

  const decide = (bearer: string, id: string, body: Record<string, unknown>) => api('POST', `/proposals/${id}/decisions`, bearer, body);

  beforeAll(async () => {
    [coordUnhcr, supUnhcr, coordIcrc, supIcrc, coordStc] = await Promise.all([
      token('coordinator', CHILD_AGENCY, 'wanjiru'), token('supervisor', CHILD_AGENCY, 'otieno'),
      token('coordinator', REQUEST_AGENCY, 'lukas'), token('supervisor', REQUEST_AGENCY, 'margit'),
      token('coordinator', QUEUE_REQUEST_AGENCY, 'fatuma'),
    ]);
    for (const a of AGENCIES) outbound[a] = await watchOutbound(a);
  });
  afterAll(async () => {
    await Promise.all(Object.values(outbound).map((o) => o.stop()));
    await disconnectKafka();
  });

  it('holds the proposal: the other agency sees only that it is under protection review', async () => {
    const child = await publish(CHILD_AGENCY, 'child.registered', heldChild);
    const request = await publish(REQUEST_AGENCY, 'tracing-request.filed', requestFor(held, heldDob, '2026-06-10', 'father'));
    heldChildId = await kinlinkIdOf(coordUnhcr, child, 'child', held);
    heldRequestId = await kinlinkIdOf(coordIcrc, request, 'tracing-request', held);
    const own = await eventually(async () => {
      const res = await api('GET', `/proposals?createdSince=${encodeURIComponent(since)}&limit=100`, coordUnhcr);
      const p = res.body.items.find((i: any) => i.left?.id === heldChildId && i.right?.id === heldRequestId); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(p).toBeDefined();
      expect(p.protection).toEqual({ status: 'pending', level: 'high' });
      return p;
    }, { timeoutMs: 30_000, intervalMs: 250 });
    heldProposal = own.id;
    expect(own.priority.reasons).toEqual(expect.arrayContaining(['safeguarding_high', 'under_5']));

    // the child's agency: everything, with the protection status
    const full = await api('GET', `/proposals/${heldProposal}`, coordUnhcr);
    expect(full.status).toBe(200);
    expect(full.body.protection).toEqual({ status: 'pending', level: 'high' });
    expect(full.body.explanation.length).toBeGreaterThan(0);

    // the other agency: an id and a status, nothing else, in the list and the detail
    const list = await api('GET', `/proposals?createdSince=${encodeURIComponent(since)}&limit=100`, coordIcrc);
    expect(list.status).toBe(200);
    expect(list.body.items.find((i: { id: string }) => i.id === heldProposal)).toEqual({ id: heldProposal, status: 'under_protection_review' });
    for (const bearer of [coordIcrc, supIcrc]) {
      const detail = await api('GET', `/proposals/${heldProposal}`, bearer);
      expect({ status: detail.status, body: detail.body }).toEqual({ status: 200, body: { id: heldProposal, status: 'under_protection_review' } });
    }
    const prioritised = await api('GET', `/proposals?sort=priority&createdSince=${encodeURIComponent(since)}&limit=100`, coordIcrc);
    expect(prioritised.body.items.find((i: { id: string }) => i.id === heldProposal)).toEqual({ id: heldProposal, status: 'under_protection_review' });
    // a filter on the child's details never finds a held proposal for the other agency
    const filtered = await api('GET', `/proposals?safeguarding=high&createdSince=${encodeURIComponent(since)}&limit=100`, coordIcrc);
    expect(filtered.body.items.map((i: { id: string }) => i.id)).not.toContain(heldProposal);
  });

  it('refuses other decisions while held, and the release by anyone but a supervisor of the child’s agency', async () => {
    const confirm = await decide(coordIcrc, heldProposal, { decision: 'confirm' });
    expect({ status: confirm.status, ruleCode: confirm.body.ruleCode }).toEqual({ status: 409, ruleCode: 'PROTECTION_REVIEW_PENDING' });
    const byCoordinator = await decide(coordUnhcr, heldProposal, { decision: 'release_protection_review' });
    expect({ status: byCoordinator.status, ruleCode: byCoordinator.body.ruleCode }).toEqual({ status: 403, ruleCode: 'PROTECTION_REVIEW_SUPERVISOR' });
    const byOtherSupervisor = await decide(supIcrc, heldProposal, { decision: 'release_protection_review' });
    expect({ status: byOtherSupervisor.status, ruleCode: byOtherSupervisor.body.ruleCode }).toEqual({ status: 403, ruleCode: 'PROTECTION_REVIEW_SUPERVISOR' });
    expect((await api('GET', `/proposals/${heldProposal}`, coordIcrc)).body).toEqual({ id: heldProposal, status: 'under_protection_review' });

    // nothing about the held proposal has reached the other agency's outbound topic
    await new Promise((r) => setTimeout(r, 1500));
    expect(outbound[REQUEST_AGENCY].notices().filter((n) => n.body.proposalId === heldProposal)).toEqual([]);
    const told = await eventually(async () => {
      const n = outbound[CHILD_AGENCY].notices().filter((x) => x.body.proposalId === heldProposal && x.type === 'match.proposed');
      expect(n.length).toBeGreaterThan(0);
      return n;
    }, { timeoutMs: 30_000 });
    expect(told[0].body.agencyId).toBe(CHILD_AGENCY);

    const release = await decide(supUnhcr, heldProposal, { decision: 'release_protection_review', note: 'father excluded from contact; mother to be traced' });
    expect(release.status).toBe(200);
    expect(release.body).toMatchObject({ proposalId: heldProposal, status: 'pending', protectionStatus: 'released' });
    const seen = await eventually(async () => {
      const r = await api('GET', `/proposals/${heldProposal}`, coordIcrc);
      expect(r.body.left).toBeDefined();
      return r.body;
    }, { timeoutMs: 30_000 });
    // released: the other agency sees the match, the child's record minimal, no level, no whereabouts
    expect(seen.protection).toEqual({ status: 'released' });
    expect(seen.left.access).toBe('minimal');
    expect(JSON.stringify(seen)).not.toContain(secretLocation);
    expect(JSON.stringify(seen)).not.toContain(secretCare);
    expect(JSON.stringify(seen.left)).not.toMatch(/safeguarding|doNotDisclose|currentLocation|careArrangement|specificNeeds/);
    expect((await api('GET', `/proposals/${heldProposal}`, coordUnhcr)).body.protection).toEqual({ status: 'released', level: 'high' });
    // the held notice leaves once released
    await eventually(async () => {
      expect(outbound[REQUEST_AGENCY].notices().filter((n) => n.body.proposalId === heldProposal && n.type === 'match.proposed')).toHaveLength(1);
    }, { timeoutMs: 30_000 });
  });

  it('blocks confirmation for a restricted inquirer, naming the rule; a supervisor overrides with a reason', async () => {
    const byCoordinator = await decide(coordUnhcr, heldProposal, { decision: 'confirm' });
    expect({ status: byCoordinator.status, ruleCode: byCoordinator.body.ruleCode }).toEqual({ status: 409, ruleCode: 'RESTRICTED_INQUIRER' });
    expect(String(byCoordinator.body.rule ?? byCoordinator.body.detail)).toEqual(expect.any(String));
    const overrideByCoordinator = await decide(coordUnhcr, heldProposal, { decision: 'confirm', overrideReason: 'the best-interests panel approved contact' });
    expect({ status: overrideByCoordinator.status, ruleCode: overrideByCoordinator.body.ruleCode }).toEqual({ status: 403, ruleCode: 'OVERRIDE_NOT_ALLOWED' });
    const noReason = await decide(supUnhcr, heldProposal, { decision: 'confirm' });
    expect({ status: noReason.status, ruleCode: noReason.body.ruleCode }).toEqual({ status: 409, ruleCode: 'RESTRICTED_INQUIRER' });
    const overridden = await decide(supUnhcr, heldProposal, { decision: 'confirm', overrideReason: 'best-interests determination 2026-11: supervised contact approved' });
    expect(overridden.status).toBe(200);
    expect(overridden.body.status).toBe('confirmed');
    expect(overridden.body.caseId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('orders the review queue by priority on a seeded mix, filters by it, and counts high-safeguarding proposals per agency', async () => {
    const year = new Date().getUTCFullYear();
    const mix: Array<{ label: string; x: ChildExtras }> = [
      { label: 'high, 3 years', x: { dateOfBirth: `${year - 3}-05-20`, separatedOn: '2026-08-01', specificNeeds: ['unaccompanied_under_5'], safeguarding: { level: 'high', concerns: ['abduction_risk'] } } },
      { label: 'elevated, 14 years', x: { dateOfBirth: `${year - 14}-01-09`, separatedOn: '2026-09-15', safeguarding: { level: 'elevated', concerns: ['exploitation_indicators'] } } },
      { label: 'under 5', x: { dateOfBirth: `${year - 2}-07-30`, separatedOn: '2026-09-20' } },
      { label: 'specific needs, 9 years', x: { dateOfBirth: `${year - 9}-03-03`, separatedOn: '2026-10-01', specificNeeds: ['disability'] } },
      { label: 'separated long ago, 11 years', x: { dateOfBirth: `${year - 11}-11-11`, separatedOn: '2025-03-02' } },
      { label: 'separated recently, 12 years', x: { dateOfBirth: `${year - 12}-06-06`, separatedOn: '2026-10-20' } },
    ];
    const seeded = [];
    for (const m of mix) {
      const f = newFamily();
      const child = await publish(CHILD_AGENCY, 'child.registered', childWith(f, m.x));
      const request = await publish(QUEUE_REQUEST_AGENCY, 'tracing-request.filed', requestFor(f, m.x.dateOfBirth, m.x.separatedOn!, 'mother'));
      seeded.push({ ...m, f, child, request });
    }
    const ids = new Map<string, string>();
    for (const s of seeded) {
      const childId = await kinlinkIdOf(coordUnhcr, s.child, 'child', s.f);
      const p = await eventually(async () => {
        const res = await api('GET', `/proposals?status=pending&createdSince=${encodeURIComponent(since)}&limit=100`, coordUnhcr);
        const hit = res.body.items.find((i: any) => i.kind === 'child-sought' && i.left?.id === childId && i.right?.agencyId === QUEUE_REQUEST_AGENCY); // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(hit).toBeDefined();
        return hit;
      }, { timeoutMs: 30_000, intervalMs: 250 });
      ids.set(p.id, s.label);
    }
    const queue = await api('GET', `/proposals?status=pending&sort=priority&createdSince=${encodeURIComponent(since)}&limit=100`, coordUnhcr);
    expect(queue.status).toBe(200);
    const ours = queue.body.items.filter((i: { id: string }) => ids.has(i.id));
    console.log(`review queue (priority):\n${ours.map((i: any) => `  ${ids.get(i.id)}: ${i.priority.score} [${i.priority.reasons.join(' ')}]`).join('\n')}`); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(ours.map((i: { id: string }) => ids.get(i.id))).toEqual(mix.map((m) => m.label));
    const scores = queue.body.items.filter((i: { priority?: unknown }) => i.priority).map((i: { priority: { score: number } }) => i.priority.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    const only = async (filter: string) => (await api('GET', `/proposals?status=pending&${filter}&createdSince=${encodeURIComponent(since)}&limit=100`, coordUnhcr))
      .body.items.filter((i: { id: string }) => ids.has(i.id)).map((i: { id: string }) => ids.get(i.id)).sort();
    expect(await only('safeguarding=high')).toEqual(['high, 3 years']);
    expect(await only('safeguarding=elevated')).toEqual(['elevated, 14 years']);
    expect(await only('under5=true')).toEqual(['high, 3 years', 'under 5']);
    expect(await only('specificNeeds=true')).toEqual(['high, 3 years', 'specific needs, 9 years']);
    expect((await api('GET', '/proposals?safeguarding=extreme', coordUnhcr)).status).toBe(400);

    // the request's agency: the held ones minimal and last, without a priority
    const theirs = (await api('GET', `/proposals?status=pending&sort=priority&createdSince=${encodeURIComponent(since)}&limit=100`, coordStc))
      .body.items.filter((i: { id: string }) => ids.has(i.id));
    expect(theirs.slice(-2).map((i: { id: string }) => ids.get(i.id)).sort()).toEqual(['elevated, 14 years', 'high, 3 years']);
    expect(theirs.slice(-2).every((i: Record<string, unknown>) => Object.keys(i).sort().join() === 'id,status' && i.status === 'under_protection_review')).toBe(true);

    // the dashboard: per child's agency, only for agencies in scope
    const dash = await api('GET', '/dashboard', coordUnhcr);
    const row = dash.body.highSafeguardingAwaitingReview.find((r: { agency: string }) => r.agency === CHILD_AGENCY);
    expect(row.awaiting).toBeGreaterThanOrEqual(1);
    expect(row.oldestAgeSeconds).toBeGreaterThanOrEqual(row.medianAgeSeconds);
    expect(row.medianAgeSeconds).toBeGreaterThanOrEqual(0);
    const other = await api('GET', '/dashboard', coordStc);
    expect(other.body.highSafeguardingAwaitingReview.map((r: { agency: string }) => r.agency)).toEqual([QUEUE_REQUEST_AGENCY]);

    // leave the shared system clean: the child's agency rejects what it seeded (allowed while held)
    for (const id of ids.keys()) {
      const r = await decide(coordUnhcr, id, { decision: 'reject', reasonCode: 'other', note: 'end of test' });
      expect(r.status).toBe(200);
    }
  });

  it('never sends a location, care arrangement or restricted person to another agency (all outbound topics scanned)', async () => {
    await new Promise((r) => setTimeout(r, 2000));
    const secrets = [secretLocation, secretCare, 'Kalobeyei', 'Wanjiru', held.father, 'doNotDisclose', 'currentLocation', 'careArrangement', 'safeguarding'];
    let scanned = 0, leaks = 0;
    for (const a of AGENCIES) {
      for (const n of outbound[a].notices()) {
        scanned++;
        const text = JSON.stringify(n.body);
        leaks += secrets.filter((s) => text.includes(s)).length;
      }
    }
    console.log(`outbound notices scanned: ${scanned}\nlocation or restricted detail sent to another agency: ${leaks}`);
    expect(scanned).toBeGreaterThan(0);
    expect(leaks).toBe(0);
  });
});

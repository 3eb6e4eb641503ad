/**
 * Test data and helpers of the casework, authorisation and response-key tests: people with names
 * of their own (random, so a test's records match each other and nothing else in the shared
 * system), agency events that register them, and waits for what the system derives from them.
 */
import { randomUUID } from 'node:crypto';
import { Consumer, KafkaMessage } from 'kafkajs';
import { eventually } from '@kinlink/testing';
import { agencyEvent, api, kafka, publishToAgencyTopic, system, token } from './system';

const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 'tu', 'ze', 'no', 'vi', 'sa', 'de', 'fo', 'ga', 'hu', 'je', 'pe', 'bi', 'wo', 'xa', 'yu', 'bo'];
const word = (n: number) => {
  const w = Array.from({ length: n }, () => SYLLABLES[Math.floor(Math.random() * SYLLABLES.length)]).join('');
  return w[0].toUpperCase() + w.slice(1);
};

/** A child and the parents, with made-up names, birth, origin and separation no other test uses. */
export interface Family {
  given: string; family: string; mother: string; father: string;
  sex: 'female' | 'male'; dateOfBirth: string; town: string; country: string; separatedOn: string; cause: string; language: string;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)];
const pad = (n: number) => String(n).padStart(2, '0');
export function newFamily(): Family {
  return {
    given: word(3), family: word(3), mother: word(3), father: word(2),
    sex: pick(['female', 'male'] as const),
    dateOfBirth: `${2010 + Math.floor(Math.random() * 9)}-${pad(1 + Math.floor(Math.random() * 12))}-${pad(1 + Math.floor(Math.random() * 28))}`,
    town: word(2), country: pick(['ER', 'SO', 'SS', 'SD', 'ET', 'CD', 'AF', 'SY']),
    separatedOn: `2026-${pad(1 + Math.floor(Math.random() * 9))}-${pad(1 + Math.floor(Math.random() * 28))}`,
    cause: pick(['conflict', 'migration', 'population_movement', 'natural_disaster', 'lost_in_transit']),
    language: pick(['ti', 'so', 'ar', 'am', 'sw', 'fr', 'ps', 'om']),
  };
}

/** Age in completed years on a date, from a YYYY-MM-DD date of birth. */
export function ageOn(dateOfBirth: string, on: string): number {
  const [y, m, d] = dateOfBirth.split('-').map(Number);
  const [y2, m2, d2] = on.split('-').map(Number);
  return y2 - y - (m2 < m || (m2 === m && d2 < d) ? 1 : 0);
}

export function childRegistration(f: Family) {
  return {
    name: { given: f.given, family: f.family },
    sex: f.sex,
    dateOfBirth: f.dateOfBirth,
    placeOfOrigin: { text: f.town, country: f.country },
    separation: { date: f.separatedOn, cause: f.cause },
    languages: [f.language],
    family: { mother: { name: { given: f.mother, family: f.family } }, father: { name: { given: f.father, family: f.family } } },
    status: 'separated',
    registeredOn: '2026-09-30',
    currentLocation: { text: 'Shire, Hitsats block 4', country: 'ET' },
    careArrangement: { type: 'kinship' },
    consent: { tracing: true, sharing: true },
  };
}

export function tracingRequestFiling(f: Family, inquirer: 'mother' | 'father' = 'mother') {
  return {
    inquiryDate: '2026-10-12',
    inquirer: { name: { given: inquirer === 'mother' ? f.mother : f.father, family: f.family }, relation: inquirer, sex: inquirer === 'mother' ? 'female' : 'male', currentLocation: { text: 'Asmara', country: 'ER' } },
    soughtChildren: [{
      ref: 'c1',
      name: { given: f.given, family: f.family },
      sex: f.sex,
      estimatedAge: { years: ageOn(f.dateOfBirth, '2026-10-12'), asOf: '2026-10-12' },
      placeOfOrigin: { text: f.town, country: f.country },
      separation: { date: f.separatedOn.slice(0, 7), cause: f.cause },
      family: { mother: { name: { given: f.mother, family: f.family } }, father: { name: { given: f.father, family: f.family } } },
      languages: [f.language],
      lastKnownLocation: { text: 'Humera', country: 'ET' },
    }],
    consent: { tracing: true, sharing: true },
  };
}

export interface PublishedRecord { agencyId: string; agencyRecordId: string }

export async function registerChild(agencyId: string, f: Family): Promise<PublishedRecord> {
  const agencyRecordId = `${agencyId.toUpperCase()}-C-${randomUUID().slice(0, 8)}`;
  await publishToAgencyTopic(agencyId, JSON.stringify(agencyEvent('child.registered', agencyId, agencyRecordId, childRegistration(f))), agencyRecordId);
  return { agencyId, agencyRecordId };
}

export async function fileTracingRequest(agencyId: string, f: Family, inquirer: 'mother' | 'father' = 'mother'): Promise<PublishedRecord> {
  const agencyRecordId = `${agencyId.toUpperCase()}-T-${randomUUID().slice(0, 8)}`;
  await publishToAgencyTopic(agencyId, JSON.stringify(agencyEvent('tracing-request.filed', agencyId, agencyRecordId, tracingRequestFiling(f, inquirer))), agencyRecordId);
  return { agencyId, agencyRecordId };
}

export async function closeTracingRequest(r: PublishedRecord): Promise<void> {
  await publishToAgencyTopic(r.agencyId, JSON.stringify(agencyEvent('tracing-request.closed', r.agencyId, r.agencyRecordId, { reason: 'withdrawn' })), r.agencyRecordId);
}

/** The Kinlink id of a published record, once the admin API has it (`bearer` must see the agency). */
export async function kinlinkIdOf(bearer: string, r: PublishedRecord, kind: 'child' | 'tracing-request', f: Pick<Family, 'given'>): Promise<string> {
  return eventually(async () => {
    const res = await api('GET', `/records?kind=${kind}&name=${encodeURIComponent(f.given)}&limit=100`, bearer);
    expect(res.status).toBe(200);
    const hit = res.body.items.find((i: { agencyRecordId: string }) => i.agencyRecordId === r.agencyRecordId);
    if (!hit) throw new Error(`${kind} ${r.agencyRecordId} not projected yet`);
    return hit.id as string;
  }, { timeoutMs: 30_000, intervalMs: 200 });
}

export interface ProposalSummary { id: string; kind: string; status: string; left: { id: string; agencyId: string }; right: { id: string; agencyId: string; ref?: string }; caseId: string | null }

/** The child ↔ sought-child proposal between two records, once proposed. */
export async function proposalBetween(bearer: string, childId: string, tracingRequestId: string, since: string): Promise<ProposalSummary> {
  return eventually(async () => {
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: ProposalSummary[]; nextCursor: string | null } } =
        await api('GET', `/proposals?createdSince=${encodeURIComponent(since)}&limit=100${cursor ? `&cursor=${cursor}` : ''}`, bearer);
      expect(res.status).toBe(200);
      const p = res.body.items.find((i) => i.kind === 'child-sought' && i.left.id === childId && i.right.id === tracingRequestId);
      if (p) return p;
      cursor = res.body.nextCursor;
    } while (cursor);
    throw new Error(`no proposal yet between ${childId} and ${tracingRequestId}`);
  }, { timeoutMs: 30_000, intervalMs: 200 });
}

/** Everything published on a topic from its beginning, collected while the test runs. */
export async function collect(topic: string): Promise<{ consumer: Consumer; messages: KafkaMessage[] }> {
  const messages: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: `e2e-watch-${randomUUID()}`, sessionTimeout: 6_000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => { messages.push(message); } });
  return { consumer, messages };
}

export interface OutboundNotice { key: string | null; type: string | undefined; body: Record<string, any> } // eslint-disable-line @typescript-eslint/no-explicit-any

/** Watches an agency's outbound topic. */
export async function watchOutbound(agencyId: string) {
  const c = await collect(system.topics.agencyOutbound(agencyId));
  return {
    stop: () => c.consumer.disconnect(),
    notices: (): OutboundNotice[] => c.messages.map((m) => ({
      key: m.key?.toString() ?? null, type: m.headers?.['notification-type']?.toString(), body: JSON.parse(m.value!.toString()),
    })),
  };
}

/**
 * Leaves the shared system as a test found it: every proposal still pending review that was
 * created since `since` is rejected (other tests look for the pending proposals they caused).
 */
export async function rejectPendingSince(since: string): Promise<number> {
  const coordinator = await token('coordinator', 'unhcr', 'test-clean-up', ['unhcr', 'icrc', 'save-the-children']);
  let rejected = 0;
  for (;;) {
    const res: { status: number; body: { items: Array<{ id: string }> } } =
      await api('GET', `/proposals?status=pending&createdSince=${encodeURIComponent(since)}&limit=100`, coordinator);
    if (res.status !== 200 || res.body.items.length === 0) return rejected;
    for (const p of res.body.items) {
      const r = await api('POST', `/proposals/${p.id}/decisions`, coordinator, { decision: 'reject', reasonCode: 'other', note: 'end of test' });
      if (r.status !== 200) throw new Error(`clean-up: rejecting ${p.id} answered ${r.status} ${JSON.stringify(r.body)}`);
      rejected++;
    }
  }
}

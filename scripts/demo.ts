/**
 * `npm run demo`: a newcomer's first look. Against a running system (`npm start`), two agencies
 * publish events — a boy registered by `unhcr`, his mother's tracing request taken by `icrc`,
 * names spelled differently — and the demo prints the proposal, the confirmation, each case step
 * and the audit trail.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { TopicNames } from '@kinlink/contracts';
import { eventually, motherSearching, registeredBoy } from '@kinlink/testing';
import { mintDevToken } from '../apps/admin-api/src/auth/dev-tokens';

const API = process.env.ADMIN_API_URL ?? 'http://127.0.0.1:3100';
const topics = new TopicNames(process.env.TOPIC_PREFIX ?? 'kinlink');
const kafka = new Kafka({ clientId: 'kinlink-demo', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:39092').split(','), logLevel: logLevel.NOTHING });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(method: string, path: string, bearer: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${API}${path}`, { method, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  const json = await res.json().catch(() => ({}));
  if (res.status >= 400 && res.status !== 404) throw Object.assign(new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(json)}`), { status: res.status });
  return { status: res.status, body: json };
}

const say = (title: string, detail?: unknown) => console.log(`\n▶ ${title}${detail === undefined ? '' : `\n${typeof detail === 'string' ? detail : JSON.stringify(detail, null, 2)}`}`);

async function main() {
  const run = randomUUID().slice(0, 6);
  const [coordinator, supervisor, auditor] = await Promise.all([
    mintDevToken({ role: 'coordinator', agency: 'unhcr', sub: 'demo-coordinator' }),
    mintDevToken({ role: 'supervisor', agency: 'unhcr', sub: 'demo-supervisor' }),
    mintDevToken({ role: 'auditor', agency: 'kinlink', sub: 'demo-auditor' }),
  ]);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const event = <D>(type: string, agencyId: string, agencyRecordId: string, data: D) =>
    ({ eventId: randomUUID(), schemaVersion: 1, type, occurredAt: new Date().toISOString(), agencyId, agencyRecordId, data });
  const child = event('child.registered', 'unhcr', `UNHCR-DEMO-${run}`, registeredBoy());
  const request = event('tracing-request.filed', 'icrc', `ICRC-DEMO-${run}`, motherSearching());
  say(`unhcr registers a boy on ${topics.agencyInbound('unhcr')}`, { name: child.data.name, dateOfBirth: child.data.dateOfBirth });
  await producer.send({ topic: topics.agencyInbound('unhcr'), messages: [{ key: child.agencyRecordId, value: JSON.stringify(child) }] });
  say(`icrc files his mother's tracing request on ${topics.agencyInbound('icrc')}`, { inquirer: request.data.inquirer, sought: request.data.soughtChildren[0].name });
  await producer.send({ topic: topics.agencyInbound('icrc'), messages: [{ key: request.agencyRecordId, value: JSON.stringify(request) }] });
  await producer.disconnect();

  const proposal: any = await eventually(async () => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const list = await call('GET', '/proposals?status=pending&limit=100', coordinator);
    const found = list.body.items.find((p: { right: { id: string; agencyId: string }; createdAt: string }) => p.right.agencyId === 'icrc' && Date.parse(p.createdAt) > Date.now() - 60_000);
    if (!found) throw new Error('no proposal yet');
    return (await call('GET', `/proposals/${found.id}`, coordinator)).body;
  }, { timeoutMs: 30_000 });
  say(`proposal ${proposal.id}: probability ${proposal.probability.toFixed(3)}, score ${proposal.score.toFixed(2)} (model ${proposal.modelVersion})`);
  console.table(proposal.explanation.map((f: { field: string; leftNormalised?: string; rightNormalised?: string; level: string; weight: number }) =>
    ({ field: f.field, left: f.leftNormalised ?? '', right: f.rightNormalised ?? '', level: f.level, weight: Number(f.weight.toFixed(2)) })));

  const confirmed = await call('POST', `/proposals/${proposal.id}/decisions`, coordinator, { decision: 'confirm', note: 'demo' });
  say('coordinator confirms → case opened', confirmed.body);
  const caseId = confirmed.body.caseId as string;
  const today = new Date().toISOString().slice(0, 10);
  const steps: Array<[string, Record<string, unknown>]> = [
    [coordinator, { type: 'record_reunification', date: today, place: 'Dadaab', reunitedWithVerifiedAdult: true }],
    [coordinator, { type: 'start_verification' }],
    [coordinator, { type: 'submit_verification', checklist: { adultWantsToCare: true, adultAbleToCare: true, childKnowsAdult: true, childWishes: 'wants', informationMatches: true, bestInterestsAssessmentRecorded: true } }],
    [supervisor, { type: 'approve_verification' }],
    [coordinator, { type: 'plan_reunification', plannedDate: today, place: 'Dadaab reception centre' }],
    [coordinator, { type: 'record_reunification', date: today, place: 'Dadaab reception centre', reunitedWithVerifiedAdult: true }],
    [coordinator, { type: 'record_follow_up', visitDate: today, childSeen: true, outcomeCode: 'settled', needsFurtherFollowUp: false }],
    [coordinator, { type: 'close', reasonCode: 'reunified_and_stable' }],
  ];
  for (const [bearer, body] of steps) {
    try {
      const r = await call('POST', `/cases/${caseId}/transitions`, bearer, body);
      say(`${String(body.type)} → ${r.body.from} ⟶ ${r.body.to}`);
    } catch (e) {
      say(`${String(body.type)} refused (as it must be)`, (e as Error).message);
    }
  }
  const childId = proposal.left.id as string;
  const trail: any = await eventually(async () => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const r = await call('GET', `/audit/subjects/${childId}`, auditor);
    if (!r.body.entries?.some((e: { toState?: string }) => e.toState === 'closed')) throw new Error('audit not yet complete');
    return r.body;
  }, { timeoutMs: 30_000 });
  say(`audit trail of child ${childId} (as the auditor sees it; hash chain valid: ${trail.verification.valid}, log size ${trail.verification.size})`);
  console.table(trail.entries.map((e: { seq: number; occurredAt: string; eventType: string; actor?: { id: string; role?: string }; fromState?: string; toState?: string; reasonCode?: string }) =>
    ({ seq: e.seq, at: e.occurredAt.slice(11, 19), event: e.eventType, actor: `${e.actor?.id} (${e.actor?.role})`, from: e.fromState ?? '', to: e.toState ?? '', reason: e.reasonCode ?? '' })));
}

main().catch((e) => {
  console.error(`demo failed: ${(e as Error).message}\nIs the system running? Start it with \`npm start\` in another terminal.`);
  process.exit(1);
});

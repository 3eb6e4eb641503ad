/**
 * The cases service in-process on the real broker and database: a proposal for a child at
 * safeguarding risk is held for a protection review; only a supervisor of the child's agency
 * releases it; a "do not disclose to" restriction blocks confirming a proposal whose inquirer is
 * that person (spelled differently), unless a supervisor overrides it with a reason.
 */
import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { Actor, INTERNAL_TOPICS, KinlinkEvent, newEvent, ProposalDecision } from '@kinlink/contracts';
import { bootstrapService, EventPublisher } from '@kinlink/kafka';
import {
  caseworkBinding, commandBinding, openCaseworkText, sealCaseworkText, sealRecord, SUBJECT_KEY_STORE, SubjectCipher, SubjectKeyStore,
} from '@kinlink/privacy';
import { eventually, motherSearching, registeredBoy, testDatabase, TopicWatcher, useServiceEnvironment, watchTopic } from '@kinlink/testing';

jest.setTimeout(90_000);

const testDb = testDatabase('c');
const { prefix } = testDb;
useServiceEnvironment(testDb, { KAFKA_PARTITIONS: '1' });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CasesServiceModule } = require('../cases-service.module');

const person = (id: string, role: Actor['role'], agencyId: string): Actor => ({ id, role, agencyId });
const coordinatorUnhcr = person('amal', 'coordinator', 'unhcr');
const supervisorUnhcr = person('grace', 'supervisor', 'unhcr');
const supervisorIcrc = person('ines', 'supervisor', 'icrc');

describe('safeguarding in match review', () => {
  let app: INestApplication;
  const out: KinlinkEvent[] = [];
  let watcher: TopicWatcher | undefined;
  const childId = randomUUID();
  const requestId = randomUUID();
  const proposalId = randomUUID();

  beforeAll(async () => {
    app = await bootstrapService({ service: 'cases', module: CasesServiceModule, subscribe: [INTERNAL_TOPICS.records, INTERNAL_TOPICS.matches, INTERNAL_TOPICS.caseCommands] });
    watcher = await watchTopic(prefix, 'cases', out);
  });
  afterAll(async () => {
    await watcher?.stop();
    await app?.close();
    await testDb.drop();
  });

  const decide = async (actor: Actor, decision: ProposalDecision, extra: Record<string, unknown> = {}) => {
    const commandId = randomUUID();
    await app.get(EventPublisher).publish([newEvent('proposal.decision-requested', {
      correlationId: commandId, actor, subject: { type: 'proposal', id: proposalId },
      payload: { commandId, proposalId, decision, ...extra },
    })]);
    return eventually(() => {
      const e = out.find((x) => (x.payload as { commandId?: string }).commandId === commandId);
      expect(e).toBeDefined();
      return e!;
    });
  };
  const codeOf = (e: KinlinkEvent) => (e.type === 'command.rejected' ? (e.payload as { code: string }).code : e.type);

  it('holds, releases, blocks the restricted inquirer and accepts a supervisor override', async () => {
    const publisher = app.get(EventPublisher);
    const child = registeredBoy();
    const record = {
      ...child,
      safeguarding: {
        level: 'high', concerns: ['family_member_suspected_of_harm'],
        restrictions: { doNotDiscloseTo: [{ name: { given: 'Amina', family: 'Hassan' }, relation: 'mother' }] },
      },
    };
    const agency = (a: string) => ({ id: `agency:${a}`, role: 'agency' as const, agencyId: a });
    // records arrive sealed, as the registry publishes them; cases opens only `protection` and `inquirer`
    const cipher = app.get(SubjectCipher);
    const [childEventId, requestEventId] = [randomUUID(), randomUUID()];
    await publisher.publish([
      newEvent('child.registered', { eventId: childEventId, correlationId: randomUUID(), actor: agency('unhcr'), subject: { type: 'child', id: childId }, payload: { id: childId, agencyId: 'unhcr', agencyRecordId: 'U-9', revision: 1, record: await sealRecord(cipher, 'child', childId, childEventId, record) } }),
      newEvent('tracing-request.filed', { eventId: requestEventId, correlationId: randomUUID(), actor: agency('icrc'), subject: { type: 'tracing-request', id: requestId }, payload: { id: requestId, agencyId: 'icrc', agencyRecordId: 'I-9', revision: 1, request: await sealRecord(cipher, 'tracing-request', requestId, requestEventId, motherSearching()) } }),
    ]);
    await publisher.publish([newEvent('match.proposed', {
      correlationId: randomUUID(), actor: { id: 'service:matching', role: 'system', agencyId: 'kinlink' }, subject: { type: 'proposal', id: proposalId },
      payload: {
        proposalId, kind: 'child-sought', probability: 0.97, score: 9, explanation: [], modelVersion: 't', fingerprint: 'f1',
        left: { type: 'child', id: childId, agencyId: 'unhcr', safeguardingLevel: 'high' }, right: { type: 'sought-child', id: requestId, ref: 'c1', agencyId: 'icrc' },
      },
    })]);
    const held = await eventually(() => {
      const e = out.find((x) => x.type === 'proposal.protection-changed');
      expect(e).toBeDefined();
      return e as KinlinkEvent<'proposal.protection-changed'>;
    });
    expect(held.payload).toMatchObject({ proposalId, status: 'pending', level: 'high', childAgencyId: 'unhcr' });
    // the names the rule compares are sealed at rest; the level is clear
    const db = new Client({ connectionString: testDb.url });
    await db.connect();
    const { rows } = await eventually(async () => {
      const r = await db.query('SELECT facts::text AS f FROM cases.record_safeguarding WHERE record_id = ANY($1::uuid[])', [[childId, requestId]]);
      expect(r.rows).toHaveLength(2);
      return r;
    }).finally(() => db.end());
    for (const r of rows) expect(r.f).not.toMatch(/Amina|Hassan|Aamina|Xasan/);
    expect(rows.map((r) => JSON.parse(r.f).level)).toContain('high');

    expect(codeOf(await decide(coordinatorUnhcr, 'confirm'))).toBe('PROTECTION_REVIEW_PENDING');
    expect(codeOf(await decide(coordinatorUnhcr, 'release_protection_review'))).toBe('PROTECTION_REVIEW_SUPERVISOR');
    expect(codeOf(await decide(supervisorIcrc, 'release_protection_review'))).toBe('PROTECTION_REVIEW_SUPERVISOR');
    expect(codeOf(await decide(supervisorUnhcr, 'release_protection_review', { note: 'spoke with the child' }))).toBe('proposal.protection-changed');

    // the inquirer, "Aamina Xasan", is the "Amina Hassan" the child must not be disclosed to
    const blocked = await decide(coordinatorUnhcr, 'confirm');
    expect(codeOf(blocked)).toBe('RESTRICTED_INQUIRER');
    expect((blocked.payload as { rule: string }).rule).toMatch(/must not be disclosed/);
    expect(codeOf(await decide(coordinatorUnhcr, 'confirm', { overrideReason: 'court order reviewed' }))).toBe('OVERRIDE_NOT_ALLOWED');
    const confirmed = await decide(supervisorUnhcr, 'confirm', { overrideReason: 'the family court lifted the restriction on 2026-11-01' });
    expect(confirmed.type).toBe('proposal.decided');
    // the override reason, in the decision's note, is sealed under the child's key on the wire and at rest
    expect(JSON.stringify(confirmed.payload)).not.toContain('family court');
    const opened = await openCaseworkText(cipher, childId, caseworkBinding('proposal', proposalId), confirmed.payload as { note?: unknown });
    expect(opened.note).toMatch(/overridden by grace: the family court lifted/);
    const db2 = new Client({ connectionString: testDb.url });
    await db2.connect();
    const stored = await db2.query('SELECT state::text AS s FROM cases.proposal WHERE id = $1', [proposalId]).finally(() => db2.end());
    expect(stored.rows[0].s).toContain('"note": {');
    expect(stored.rows[0].s).not.toContain('family court');
    await eventually(() => expect(out.some((x) => x.type === 'case.opened')).toBe(true));
  });

  it('keeps a decision that arrives before its proposal and decides it when the proposal arrives', async () => {
    const early = randomUUID();
    const commandId = randomUUID();
    const publisher = app.get(EventPublisher);
    await publisher.publish([newEvent('proposal.decision-requested', {
      correlationId: commandId, actor: coordinatorUnhcr, subject: { type: 'proposal', id: early },
      payload: { commandId, proposalId: early, decision: 'reject', reasonCode: 'not_same_child' },
    })]);
    await publisher.publish([newEvent('match.proposed', {
      correlationId: randomUUID(), actor: { id: 'service:matching', role: 'system', agencyId: 'kinlink' }, subject: { type: 'proposal', id: early },
      payload: {
        proposalId: early, kind: 'child-sought', probability: 0.8, score: 5, explanation: [], modelVersion: 't', fingerprint: 'f2',
        left: { type: 'child', id: randomUUID(), agencyId: 'unhcr', safeguardingLevel: 'none' }, right: { type: 'sought-child', id: randomUUID(), ref: 'c1', agencyId: 'icrc' },
      },
    })]);
    const outcome = await eventually(() => {
      const e = out.find((x) => (x.payload as { commandId?: string }).commandId === commandId);
      expect(e).toBeDefined();
      return e!;
    }, { timeoutMs: 30_000 });
    expect(outcome.type).toBe('proposal.decided');
    expect((outcome.payload as { status: string }).status).toBe('rejected');
  });

  it('refuses a decision whose sealed note belongs to an erased child, but not a clear note that reads "[erased]"', async () => {
    const publisher = app.get(EventPublisher);
    const cipher = app.get(SubjectCipher);
    const propose = async (child: string) => {
      const id = randomUUID();
      await publisher.publish([newEvent('match.proposed', {
        correlationId: randomUUID(), actor: { id: 'service:matching', role: 'system', agencyId: 'kinlink' }, subject: { type: 'proposal', id },
        payload: {
          proposalId: id, kind: 'child-sought', probability: 0.8, score: 5, explanation: [], modelVersion: 't', fingerprint: `f-${id}`,
          left: { type: 'child', id: child, agencyId: 'unhcr', safeguardingLevel: 'none' }, right: { type: 'sought-child', id: randomUUID(), ref: 'c1', agencyId: 'icrc' },
        },
      })]);
      return id;
    };
    const rejectWith = async (proposal: string, note: (commandId: string) => Promise<unknown>) => {
      const commandId = randomUUID();
      await publisher.publish([newEvent('proposal.decision-requested', {
        correlationId: commandId, actor: coordinatorUnhcr, subject: { type: 'proposal', id: proposal },
        payload: { commandId, proposalId: proposal, decision: 'reject', reasonCode: 'not_same_child', note: await note(commandId) },
      } as never)]);
      return eventually(() => {
        const e = out.find((x) => (x.payload as { commandId?: string }).commandId === commandId);
        expect(e).toBeDefined();
        return e!;
      }, { timeoutMs: 30_000 });
    };

    const kept = randomUUID();
    expect(codeOf(await rejectWith(await propose(kept), async () => '[erased]'))).toBe('proposal.decided');

    const erased = randomUUID();
    const proposal = await propose(erased);
    const outcome = await rejectWith(proposal, async (commandId) => {
      const sealed = await sealCaseworkText(cipher, erased, commandBinding(commandId), { note: 'seen with her aunt' });
      await app.get<SubjectKeyStore>(SUBJECT_KEY_STORE).destroy(erased, 'retention_expired');
      cipher.forget(erased);
      return sealed.note;
    });
    expect(codeOf(outcome)).toBe('CHILD_ERASED');
  });
});


/**
 * Drives a scenario's input into the running system: agency events onto the inbound topics (as
 * agency systems would: retried until the broker takes them, per-record order kept), and
 * coordinator commands through the admin API (retried with the same Idempotency-Key until the
 * API answers with an outcome, across restarts of the API).
 */
import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { Pool } from 'pg';
import { TopicNames } from '@kinlink/contracts';
import { mintDevToken } from '../../apps/admin-api/src/auth/dev-tokens';
import { AgencyId, AgencyMessage, Family } from './load';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class AgencyPublisher {
  private producer?: Producer;
  sent = 0;
  sendFailures = 0;

  constructor(private readonly kafka: Kafka, private readonly topics: TopicNames) {}

  private async connected(): Promise<Producer> {
    if (!this.producer) {
      const p = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, retry: { retries: 2, initialRetryTime: 200 } });
      await p.connect();
      this.producer = p;
    }
    return this.producer;
  }

  /** Sends messages in order (one batch at a time), retrying a failed batch until the broker takes it. */
  async send(batch: AgencyMessage[], stop: () => boolean = () => false): Promise<void> {
    const now = Date.now();
    for (const m of batch) m.offeredAt ??= now;
    for (;;) {
      try {
        const producer = await this.connected();
        const byTopic = new Map<string, AgencyMessage[]>();
        for (const m of batch) {
          const t = this.topics.agencyInbound(m.agencyId);
          byTopic.set(t, [...(byTopic.get(t) ?? []), m]);
        }
        await producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, ms]) => ({ topic, messages: ms.map((m) => ({ key: m.key, value: m.value })) })),
        });
        this.sent += batch.length;
        return;
      } catch {
        this.sendFailures++;
        if (stop()) throw new Error('publisher stopped');
        const p = this.producer;
        this.producer = undefined;
        await p?.disconnect().catch(() => undefined);
        await sleep(500);
      }
    }
  }

  /** Offers `messages` over about `durationMs`, in batches of `batchSize`. */
  async offer(messages: AgencyMessage[], durationMs: number, batchSize = 4): Promise<void> {
    const batches = Math.ceil(messages.length / batchSize);
    const started = Date.now();
    for (let i = 0; i < batches; i++) {
      const due = started + (durationMs * i) / batches;
      if (Date.now() < due) await sleep(due - Date.now());
      await this.send(messages.slice(i * batchSize, (i + 1) * batchSize));
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }
}

export interface CommandRecord {
  family: number;
  step: string;
  key: string;
  expect: 'accepted' | 'rejected';
  outcome?: 'accepted' | 'rejected';
  attempts: number;
  httpStatus?: number;
  ms?: number;
}

export interface CaseExpectation {
  family: number;
  caseId?: string;
  status: string;
  version: number;
  steps: string[];
}

type Token = string;

/**
 * The coordinator side of a commanded family: confirm its proposal, then start, submit and
 * approve the verification (a supervisor approves), plan the reunification; sometimes also try
 * to close without a reason (refused by the rules: must change nothing).
 */
export class Coordinator {
  readonly commands: CommandRecord[] = [];
  readonly cases = new Map<number, CaseExpectation>();
  private tokens = new Map<string, Token>();
  stopped = false;

  constructor(private readonly apiUrl: () => string, private readonly db: Pool, readonly tag: string) {}

  private async token(role: 'coordinator' | 'supervisor', agency: AgencyId): Promise<Token> {
    const k = `${role}:${agency}`;
    if (!this.tokens.has(k)) this.tokens.set(k, await mintDevToken({ role, agency, sub: `${role}-${agency}-faults` }, { ttlSeconds: 6 * 3600 }));
    return this.tokens.get(k)!;
  }

  /** POST with an Idempotency-Key until the API gives an outcome (200/4xx), polling /commands/{id} after a 202. */
  private async command(family: number, step: string, bearer: Token, path: string, body: unknown, expect: 'accepted' | 'rejected'): Promise<{ status: number; body: Record<string, unknown> }> {
    const key = `${this.tag}-f${family}-${step}`;
    const rec: CommandRecord = { family, step, key, expect, attempts: 0 };
    this.commands.push(rec);
    const started = Date.now();
    for (;;) {
      if (this.stopped) throw new Error('coordinator stopped');
      if (Date.now() - started > 240_000) throw new Error(`command ${key}: no outcome after 240 s`);
      rec.attempts++;
      try {
        const res = await fetch(`${this.apiUrl()}${path}`, {
          method: 'POST', signal: AbortSignal.timeout(15_000),
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
        });
        const parsed = (await res.json().catch(() => ({}))) as Record<string, unknown>;
        if (res.status === 202 || res.status >= 500 || res.status === 429 || res.status === 404) {
          // pending, or the API (re)starting, or the projection not there yet: ask again with the same key
          await sleep(400);
          continue;
        }
        rec.httpStatus = res.status;
        rec.outcome = res.status === 200 ? 'accepted' : 'rejected';
        rec.ms = Date.now() - started;
        return { status: res.status, body: parsed };
      } catch {
        await sleep(400); // connection refused / reset: the API is down or restarting
      }
    }
  }

  private async waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 180_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.stopped) throw new Error('coordinator stopped');
      const v = await probe().catch(() => undefined);
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(300);
    }
  }

  async drive(f: Family): Promise<void> {
    const coordinator = await this.token('coordinator', f.child.agencyId);
    const supervisor = await this.token('supervisor', f.child.agencyId);
    // the proposal, once the admin API shows it (read from its projection, as the UI would list it)
    const proposalId = await this.waitFor(`proposal of family ${f.n}`, async () => {
      const rows = await this.db.query(
        `SELECT p.id FROM admin_api.proposal_view p
           JOIN admin_api.record_view c ON c.id::text = p.left_side->>'id'
           JOIN admin_api.record_view r ON r.id::text = p.right_side->>'id'
         WHERE p.kind = 'child-sought' AND p.status = 'pending'
           AND c.agency_id = $1 AND c.agency_record_id = $2 AND r.agency_id = $3 AND r.agency_record_id = $4`,
        [f.child.agencyId, f.child.agencyRecordId, f.request.agencyId, f.request.agencyRecordId],
      );
      return rows.rows[0]?.id as string | undefined;
    });
    const expectation: CaseExpectation = { family: f.n, status: 'match_confirmed', version: 1, steps: ['confirm'] };
    this.cases.set(f.n, expectation);
    const confirmed = await this.command(f.n, 'confirm', coordinator, `/proposals/${proposalId}/decisions`, { decision: 'confirm', note: 'fault suite' }, 'accepted');
    const caseId = confirmed.body.caseId as string | undefined;
    if (!caseId) throw new Error(`family ${f.n}: confirmation answered ${confirmed.status} without a case id`);
    expectation.caseId = caseId;
    const inThreeDays = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const steps: Array<[string, Token, Record<string, unknown>, string]> = [
      ['start_verification', coordinator, { type: 'start_verification' }, 'verification_in_progress'],
      ['submit_verification', coordinator, {
        type: 'submit_verification',
        checklist: { adultWantsToCare: true, adultAbleToCare: true, childKnowsAdult: true, childWishes: 'wants', informationMatches: true, bestInterestsAssessmentRecorded: true },
      }, 'verification_submitted'],
      ['approve_verification', supervisor, { type: 'approve_verification' }, 'verified'],
      ['plan_reunification', coordinator, { type: 'plan_reunification', plannedDate: inThreeDays, place: 'reception centre' }, 'reunification_planned'],
    ];
    for (const [step, bearer, body, to] of steps) {
      const r = await this.command(f.n, step, bearer, `/cases/${caseId}/transitions`, body, 'accepted');
      if (r.status !== 200) throw new Error(`family ${f.n}: ${step} answered ${r.status}: ${JSON.stringify(r.body)}`);
      expectation.status = to;
      expectation.version++;
      expectation.steps.push(step);
    }
    if (f.withRefusal) {
      const r = await this.command(f.n, 'close_without_reason', coordinator, `/cases/${caseId}/transitions`, { type: 'close' }, 'rejected');
      if (r.status === 200) throw new Error(`family ${f.n}: a close without a reason was accepted`);
    }
  }
}

export function kafkaClient(brokers: string[], clientId: string): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 200 }, connectionTimeout: 3_000 });
}

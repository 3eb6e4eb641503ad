/**
 * Compares the final state of the system with the state computed from a scenario's input alone,
 * reading each service's schema and the topics directly (test only: services never do this).
 *
 * Names follow Jepsen's Kafka checker where they apply: *lost* (an input whose effect is missing),
 * *duplicate* (an effect applied twice), *order violation* (a subject's events applied out of
 * order: registry revisions, case versions, outbox ids per partition).
 */
import { randomUUID } from 'node:crypto';
import { Kafka, KafkaMessage } from 'kafkajs';
import { Pool } from 'pg';
import { TopicNames } from '@kinlink/contracts';
import { LocalMasterKeyWrapper, loadMasterKey, PgSubjectKeyStore, SubjectCipher } from '@kinlink/privacy';
import { CaseExpectation, CommandRecord } from './driver';
import { AgencyMessage, Family, PlannedRecord } from './load';

export interface TopicMessage {
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  value: string | null;
}

/** The whole topic up to its current end (an ephemeral consumer group that never commits). */
export async function readTopic(kafka: Kafka, topic: string, timeoutMs = 60_000): Promise<TopicMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `faults-read-${randomUUID()}`;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const ends = new Map(offsets.map((p) => [p.partition, BigInt(p.high)]));
    const remaining = new Set(offsets.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => p.partition));
    const out: TopicMessage[] = [];
    if (remaining.size === 0) return out;
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 100, maxBytes: 50 * 1024 * 1024 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      let done!: () => void;
      const finished = new Promise<void>((r) => { done = r; });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const end = ends.get(batch.partition) ?? 0n;
          for (const m of batch.messages) {
            if (BigInt(m.offset) >= end) break;
            out.push(toMessage(batch.partition, m));
          }
          const last = batch.messages[batch.messages.length - 1];
          if (last && BigInt(last.offset) + 1n >= end && remaining.delete(batch.partition) && remaining.size === 0) done();
        },
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([finished, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out reading ${topic}`)), timeoutMs); })])
        .finally(() => clearTimeout(timer));
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
    return out.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

function toMessage(partition: number, m: KafkaMessage): TopicMessage {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined && first !== null) headers[k] = first.toString();
  }
  return { partition, offset: m.offset, key: m.key?.toString() ?? null, headers, value: m.value?.toString() ?? null };
}

export interface ScenarioInput {
  tag: string;
  records: PlannedRecord[];
  families: Family[];
  messages: AgencyMessage[];
  poison: AgencyMessage[];
  commands: CommandRecord[];
  cases: CaseExpectation[];
}

export interface Verdict {
  produced: number;
  expectedEffects: number;
  appliedOnce: number;
  duplicatesDelivered: number;
  duplicatesApplied: number;
  lost: number;
  deadLetters: number;
  deadLettersRaw: number;
  poison: number;
  orderViolations: number;
  unexpectedDeadLetters: number;
  latenciesMs: number[];
  problems: string[];
  details: Record<string, number>;
}

interface RecordRow { id: string; agency_id: string; agency_record_id: string; revision: number; status: string; data: Record<string, any>; tbl?: string } // eslint-disable-line @typescript-eslint/no-explicit-any

const locationOf = (r: PlannedRecord, data: Record<string, any>): string | undefined => // eslint-disable-line @typescript-eslint/no-explicit-any
  r.kind === 'child' ? data?.currentLocation?.text : data?.inquirer?.currentLocation?.text;

export async function verify(
  db: Pool, kafka: Kafka, topics: TopicNames, input: ScenarioInput, duplicateLogLines: number,
): Promise<Verdict> {
  const v: Verdict = {
    produced: input.messages.length + input.commands.length, expectedEffects: 0, appliedOnce: 0, duplicatesDelivered: duplicateLogLines,
    duplicatesApplied: 0, lost: 0, deadLetters: 0, deadLettersRaw: 0, poison: input.poison.length, orderViolations: 0, unexpectedDeadLetters: 0,
    latenciesMs: [], problems: [], details: {},
  };
  const problem = (s: string) => { if (v.problems.length < 40) v.problems.push(s); };
  const effect = (found: number, expected = 1, what = '') => {
    v.expectedEffects += expected;
    if (found === expected) v.appliedOnce += expected;
    else if (found < expected) {
      v.appliedOnce += found;
      v.lost += expected - found;
      problem(`lost: ${what} (${found} of ${expected})`);
    } else {
      v.appliedOnce += expected;
      v.duplicatesApplied += found - expected;
      problem(`duplicate applied: ${what} (${found} for ${expected})`);
    }
  };

  // ---- the registry, the admin API's record view, matching's candidates
  const ids = input.records.map((r) => r.agencyRecordId);
  const q = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => (await db.query(sql, params)).rows as T[];
  const registry = await q<RecordRow>(
    `SELECT id, agency_id, agency_record_id, revision, status, data, 'child' AS tbl FROM registry.child WHERE agency_record_id = ANY($1)
     UNION ALL SELECT id, agency_id, agency_record_id, revision, status, data, 'tracing_request' AS tbl FROM registry.tracing_request WHERE agency_record_id = ANY($1)`, [ids]);
  const regBy = new Map(registry.map((r) => [`${r.agency_id}/${r.agency_record_id}`, r]));
  const view = new Map((await q<RecordRow>('SELECT id, agency_id, agency_record_id, revision, status FROM admin_api.record_view WHERE agency_record_id = ANY($1)', [ids]))
    .map((r) => [r.id, r]));
  const recordIds = registry.map((r) => r.id);
  const candidates = new Map((await q<{ record_id: string; revision: number }>(
    'SELECT record_id, max(revision)::int AS revision FROM matching.candidate WHERE record_id = ANY($1::uuid[]) GROUP BY record_id', [recordIds]))
    .map((r) => [r.record_id, r.revision]));
  const kinlinkId = new Map<PlannedRecord, string>();

  // registry rows are sealed at rest (docs/security.md §8): opened with the key vault, as the registry does
  const cipher = new SubjectCipher(new PgSubjectKeyStore({
    query: async (sql, params) => (await db.query(sql, params as unknown[])).rows,
  }, new LocalMasterKeyWrapper(loadMasterKey({ MASTER_KEY: process.env.MASTER_KEY, NODE_ENV: 'test' }))));
  for (const row of registry) {
    const sealed = (row.data as { data?: { ct?: string } } | null)?.data;
    if (!sealed?.ct) continue;
    const opened = await cipher.open(row.id, `registry.${row.tbl}/${row.id}`, { data: sealed as never });
    row.data = (opened?.data ?? {}) as RecordRow['data'];
  }

  for (const r of input.records) {
    const row = regBy.get(`${r.agencyId}/${r.agencyRecordId}`);
    const what = `${r.agencyRecordId}`;
    if (!row) {
      effect(0, 5 * r.expectedRevision, `${what}: not in the registry`);
      continue;
    }
    kinlinkId.set(r, row.id);
    effect(row.revision, r.expectedRevision, `${what} registry revision`);
    const lastLocation = locationOf(r, r.versions[r.versions.length - 1] as Record<string, unknown>);
    if (locationOf(r, row.data) !== lastLocation) problem(`${what}: registry holds another version than the last sent`);
    if ((row.status === 'closed') !== r.closed) problem(`${what}: registry status ${row.status}, expected ${r.closed ? 'closed' : 'open'}`);
    const projected = view.get(row.id);
    effect(projected?.revision ?? 0, r.expectedRevision, `${what} admin-api record_view revision`);
    if (projected && (projected.status === 'closed') !== r.closed) problem(`${what}: admin view status ${projected.status}`);
    effect(candidates.get(row.id) ?? 0, r.expectedRevision, `${what} matching candidate revision`);
  }

  // ---- the records topic: one event per (record, revision), in order per key and per partition
  const byRecordId = new Map([...kinlinkId].map(([r, id]) => [id, r]));
  const recordsTopic = await readTopic(kafka, topics.internal('records'));
  const eventRevision = new Map<string, { recordId: string; revision: number; correlationId: string }>();
  const firstByRecord = new Map<string, Map<number, Set<string>>>();
  const partitionMaxOutbox = new Map<number, number>();
  const seenEvents = new Set<string>();
  let republished = 0;
  for (const m of recordsTopic) {
    const outboxId = Number(m.headers['outbox-id']?.split(':')[1]);
    const e = m.value ? JSON.parse(m.value) : undefined;
    if (seenEvents.has(e?.eventId)) {
      if (byRecordId.has(e?.payload?.id)) republished++;
      continue;
    }
    seenEvents.add(e?.eventId);
    if (Number.isFinite(outboxId)) {
      const max = partitionMaxOutbox.get(m.partition) ?? -1;
      if (outboxId < max && byRecordId.has(e?.payload?.id)) {
        v.orderViolations++;
        problem(`records[${m.partition}]: outbox id ${outboxId} published after ${max}`);
      }
      partitionMaxOutbox.set(m.partition, Math.max(max, outboxId));
    }
    const rec = byRecordId.get(e?.payload?.id);
    if (!rec) continue;
    eventRevision.set(e.eventId, { recordId: e.payload.id, revision: e.payload.revision, correlationId: e.correlationId });
    const revs = firstByRecord.get(e.payload.id) ?? new Map<number, Set<string>>();
    const prior = [...revs.keys()];
    if (prior.some((x) => x >= e.payload.revision) && !revs.has(e.payload.revision)) {
      v.orderViolations++;
      problem(`${rec.agencyRecordId}: revision ${e.payload.revision} published after ${Math.max(...prior)}`);
    }
    revs.set(e.payload.revision, new Set([...(revs.get(e.payload.revision) ?? []), e.eventId]));
    firstByRecord.set(e.payload.id, revs);
  }
  v.details.republishedRecordEvents = republished;
  for (const [r, id] of kinlinkId) {
    const revs = firstByRecord.get(id) ?? new Map<number, Set<string>>();
    for (let rev = 1; rev <= r.expectedRevision; rev++) effect(revs.get(rev)?.size ?? 0, 1, `${r.agencyRecordId} record event revision ${rev}`);
    for (const rev of revs.keys()) if (rev > r.expectedRevision) effect(1, 0, `${r.agencyRecordId} record event revision ${rev}`);
  }

  // ---- proposals: designed pairs, in matching, cases and the admin API
  const designed = input.families.filter((f) => kinlinkId.has(f.child) && kinlinkId.has(f.request));
  const pairOf = (f: Family) => [kinlinkId.get(f.child)!, `${kinlinkId.get(f.request)!}#c1`].sort().join('|');
  const matchingProposals = await q<{ id: string; left_id: string; right_id: string; status: string }>(
    'SELECT id, left_id, right_id, status FROM matching.proposal WHERE left_id = ANY($1) OR right_id = ANY($1)',
    [[...recordIds, ...recordIds.map((id) => `${id}#c1`)]]);
  const proposalByPair = new Map<string, string[]>();
  for (const p of matchingProposals) {
    const k = [p.left_id, p.right_id].sort().join('|');
    proposalByPair.set(k, [...(proposalByPair.get(k) ?? []), p.id]);
  }
  const expectedPairs = new Set(designed.map(pairOf));
  v.details.unexpectedProposals = [...proposalByPair.keys()].filter((k) => !expectedPairs.has(k)).length;
  const proposalIds: string[] = [];
  for (const f of designed) {
    const ps = proposalByPair.get(pairOf(f)) ?? [];
    effect(ps.length, 1, `family ${f.child.agencyRecordId}: matching proposal`);
    proposalIds.push(...ps);
  }
  const casesProposals = new Set((await q<{ id: string }>('SELECT id FROM cases.proposal WHERE id = ANY($1::uuid[])', [proposalIds])).map((r) => r.id));
  const viewProposals = new Set((await q<{ id: string }>('SELECT id FROM admin_api.proposal_view WHERE id = ANY($1::uuid[])', [proposalIds])).map((r) => r.id));
  for (const id of proposalIds) {
    effect(casesProposals.has(id) ? 1 : 0, 1, `proposal ${id} in cases`);
    effect(viewProposals.has(id) ? 1 : 0, 1, `proposal ${id} in the admin API`);
  }

  // ---- cases: status and version, timeline in order, once
  const caseIds = input.cases.map((c) => c.caseId).filter((x): x is string => !!x);
  const caseRows = new Map((await q<{ id: string; status: string; version: number; proposal_id: string }>(
    'SELECT id, status, version, proposal_id FROM cases.reunification_case WHERE id = ANY($1::uuid[]) OR proposal_id = ANY($2::uuid[])', [caseIds, proposalIds]))
    .map((r) => [r.id, r]));
  const caseViews = new Map((await q<{ id: string; status: string; version: number; timeline: Array<{ from: string | null; to: string }> }>(
    'SELECT id, status, version, timeline FROM admin_api.case_view WHERE id = ANY($1::uuid[])', [caseIds])).map((r) => [r.id, r]));
  for (const c of input.cases) {
    if (!c.caseId) {
      effect(0, 1, `family ${c.family}: no case opened`);
      continue;
    }
    const row = caseRows.get(c.caseId);
    effect(row?.version ?? 0, c.version, `case ${c.caseId} version in cases`);
    if (row && row.status !== c.status) problem(`case ${c.caseId}: status ${row.status}, expected ${c.status}`);
    const perProposal = [...caseRows.values()].filter((x) => row && x.proposal_id === row.proposal_id).length;
    if (perProposal > 1) effect(perProposal, 1, `cases opened for proposal ${row?.proposal_id}`);
    const cv = caseViews.get(c.caseId);
    effect(cv?.version ?? 0, c.version, `case ${c.caseId} version in the admin API`);
    effect(cv?.timeline.length ?? 0, c.version, `case ${c.caseId} timeline entries`);
    const tl = cv?.timeline ?? [];
    for (let i = 1; i < tl.length; i++) {
      if (tl[i].from !== tl[i - 1].to) {
        v.orderViolations++;
        problem(`case ${c.caseId}: timeline step ${i} from ${tl[i].from} after ${tl[i - 1].to}`);
      }
    }
  }
  for (const cmd of input.commands) {
    if (cmd.outcome !== cmd.expect) problem(`command ${cmd.key}: ${cmd.outcome ?? 'no outcome'} (expected ${cmd.expect})`);
  }
  v.details.commandsWithoutExpectedOutcome = input.commands.filter((c) => c.outcome !== c.expect).length;
  v.lost += v.details.commandsWithoutExpectedOutcome;

  // ---- cases topic: versions in order per case
  const casesTopic = await readTopic(kafka, topics.internal('cases'));
  const caseSet = new Set(caseIds);
  const caseEventVersion = new Map<string, { caseId: string; version: number }>();
  const caseFirst = new Map<string, number>();
  const caseSeen = new Set<string>();
  for (const m of casesTopic) {
    const e = m.value ? JSON.parse(m.value) : undefined;
    if (e?.type !== 'case.status-changed' || !caseSet.has(e.payload.caseId) || caseSeen.has(e.eventId)) continue;
    caseSeen.add(e.eventId);
    caseEventVersion.set(e.eventId, { caseId: e.payload.caseId, version: e.payload.caseVersion });
    const last = caseFirst.get(e.payload.caseId) ?? 0;
    if (e.payload.caseVersion <= last) {
      v.orderViolations++;
      problem(`case ${e.payload.caseId}: version ${e.payload.caseVersion} published after ${last}`);
    }
    caseFirst.set(e.payload.caseId, Math.max(last, e.payload.caseVersion));
  }

  // ---- the audit log: one leaf per event, in order per subject
  const leaves = await q<{ seq: string; event_id: string; event_type: string; subject_ids: string[] }>(
    'SELECT l.seq::text AS seq, l.event_id, l.event_type, l.subject_ids FROM audit.leaf l WHERE l.subject_ids && $1::text[] ORDER BY l.seq', [[...recordIds, ...caseIds, ...proposalIds]]);
  const leafEvents = new Set(leaves.map((l) => l.event_id));
  for (const [eventId] of eventRevision) effect(leafEvents.has(eventId) ? 1 : 0, 1, `audit leaf of record event ${eventId}`);
  for (const [eventId] of caseEventVersion) effect(leafEvents.has(eventId) ? 1 : 0, 1, `audit leaf of case event ${eventId}`);
  const lastRev = new Map<string, number>();
  const lastVer = new Map<string, number>();
  for (const l of leaves) {
    const rev = eventRevision.get(l.event_id);
    if (rev) {
      const prev = lastRev.get(rev.recordId) ?? 0;
      if (rev.revision <= prev) {
        v.orderViolations++;
        problem(`audit: ${byRecordId.get(rev.recordId)?.agencyRecordId} revision ${rev.revision} after ${prev}`);
      }
      lastRev.set(rev.recordId, Math.max(prev, rev.revision));
    }
    const ver = caseEventVersion.get(l.event_id);
    if (ver) {
      const prev = lastVer.get(ver.caseId) ?? 1;
      if (ver.version <= prev) {
        v.orderViolations++;
        problem(`audit: case ${ver.caseId} version ${ver.version} after ${prev}`);
      }
      lastVer.set(ver.caseId, Math.max(prev, ver.version));
    }
  }
  const openedLeaves = new Map<string, number>();
  for (const l of leaves) if (l.event_type === 'case.opened') for (const s of l.subject_ids) if (caseSet.has(s)) openedLeaves.set(s, (openedLeaves.get(s) ?? 0) + 1);
  for (const id of caseIds) effect(openedLeaves.get(id) ?? 0, 1, `audit leaf case.opened of ${id}`);

  // ---- dead letters: one per poison message, none for anything else of this scenario
  const dlt = await readTopic(kafka, topics.internal('dead-letter'));
  const poisonKeys = new Set(input.poison.map((p) => p.key));
  const ourKeys = new Set([...ids, ...poisonKeys]);
  const letters = dlt.filter((m) => m.key !== null && ourKeys.has(m.key));
  const poisonLetters = letters.filter((m) => poisonKeys.has(m.key!));
  v.deadLettersRaw = poisonLetters.length;
  const distinct = new Map<string, TopicMessage>();
  for (const m of poisonLetters) distinct.set(`${m.headers['dlt-original-topic']}:${m.headers['dlt-original-partition']}:${m.headers['dlt-original-offset']}`, m);
  v.deadLetters = distinct.size;
  const lettersByKey = new Map<string, number>();
  for (const m of distinct.values()) lettersByKey.set(m.key!, (lettersByKey.get(m.key!) ?? 0) + 1);
  for (const p of input.poison) {
    const n = lettersByKey.get(p.key!) ?? 0;
    if (n !== 1) problem(`poison ${p.key} (${p.poison}): ${n} dead letters`);
  }
  for (const m of letters.filter((x) => !poisonKeys.has(x.key!))) {
    v.unexpectedDeadLetters++;
    problem(`unexpected dead letter: ${m.key} ${m.headers['dlt-reason']} from ${m.headers['dlt-original-topic']}: ${m.headers['dlt-detail']?.slice(0, 120)}`);
  }
  const reasons = new Map<string, number>();
  for (const m of distinct.values()) reasons.set(m.headers['dlt-reason'], (reasons.get(m.headers['dlt-reason']) ?? 0) + 1);
  for (const [r, n] of reasons) v.details[`dlt:${r}`] = n;
  const poisonLeafIds = poisonLetters.map((m) => `dead-letter:${m.partition}:${m.offset}`);
  if (poisonLeafIds.length) {
    const got = new Set((await q<{ event_id: string }>('SELECT event_id FROM audit.leaf WHERE event_id = ANY($1)', [poisonLeafIds])).map((r) => r.event_id));
    v.details.poisonAuditLeaves = got.size;
    v.details.poisonAuditLeavesMissing = poisonLeafIds.filter((id) => !got.has(id)).length;
  }

  // ---- end-to-end latency: offered by the agency → projected by the admin API
  const recordEventOf = new Map<string, string>();
  for (const [eventId, r] of eventRevision) if (!recordEventOf.has(r.correlationId)) recordEventOf.set(r.correlationId, eventId);
  const projected = new Map((await q<{ event_id: string; at: Date }>(
    'SELECT event_id, min(processed_at) AS at FROM admin_api.processed_event WHERE event_id = ANY($1) GROUP BY event_id', [[...eventRevision.keys()]]))
    .map((r) => [r.event_id, new Date(r.at).getTime()]));
  for (const m of input.messages) {
    if (!m.eventId || !m.offeredAt || !(m.what === 'registration' || m.what === 'update' || m.what === 'closure')) continue;
    const ev = recordEventOf.get(m.eventId);
    const at = ev ? projected.get(ev) : undefined;
    if (at) v.latenciesMs.push(Math.max(0, at - m.offeredAt));
  }
  return v;
}

export function percentile(xs: number[], p: number): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

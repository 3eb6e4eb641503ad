/**
 * Canary test on the real system (issue 7): children and tracing requests with unique canary
 * names go through the whole flow; then Kafka's log segment files on disk, a `pg_dump` of the
 * database and every service's log are scanned for the names. Plaintext may only be where it is
 * meant to be: the agencies' own inbound topics (written by the agencies) and the services'
 * memory (the matching index, the admin API's name index). Then K children are
 * erased (crypto-shredding through the admin API), every internal topic is replayed from offset 0
 * into a fresh projection (opening with the real key vault), and everything is scanned again:
 * 0 hits for the erased canaries anywhere; the audit log still verifies.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { ConfigResourceTypes } from 'kafkajs';
import { AGENCY_INBOUND_RETENTION_MS, KinlinkEvent, SealedClosure, SealedRecord } from '@kinlink/contracts';
import {
  caseworkBinding, caseworkSubjectOf, commandBinding, LocalMasterKeyWrapper, loadMasterKey, openCaseworkText, openClosure, openRecord, PgSubjectKeyStore, SqlRunner, SubjectCipher,
} from '@kinlink/privacy';
import { eventually } from '@kinlink/testing';
import { parseVerifierKey, verifyExport } from '../libs/audit-log/src';
import { agencyEvent, api, disconnectKafka, kafka, publishToAgencyTopic, system, token } from './support/system';
import { fileTracingRequest, Family, kinlinkIdOf, newFamily, proposalBetween, PublishedRecord, registerChild } from './support/scenarios';

jest.setTimeout(240_000);

const N = 6;
/** events whose free text (notes, places, override reasons) is sealed under the child's key */
const CASEWORK_TEXT_EVENTS = new Set(['proposal.decision-requested', 'case.transition-requested', 'proposal.decided', 'case.status-changed']);
const K = 3;
const ROOT = join(__dirname, '..');
const SYL = ['ka', 'lo', 'mi', 'ra', 'tu', 'ze', 'no', 'vi', 'sa', 'de', 'fo', 'ga', 'hu', 'je', 'pe', 'bi', 'wo', 'xa', 'yu', 'bo'];
/** A name no other test (nor any dictionary) uses: five random syllables. */
const canaryWord = () => {
  const w = Array.from({ length: 5 }, () => SYL[Math.floor(Math.random() * SYL.length)]).join('');
  return w[0].toUpperCase() + w.slice(1);
};

interface Seeded {
  f: Family; canaries: string[]; child: PublishedRecord; request: PublishedRecord; caseId?: string;
  childId: string; requestId: string; proposalId: string;
}
type Hits = Map<string, number>;

function countHits(text: string, canaries: string[]): number {
  let n = 0;
  for (const c of canaries) for (let i = text.indexOf(c); i >= 0; i = text.indexOf(c, i + 1)) n++;
  return n;
}
const add = (h: Hits, where: string, n: number) => { if (n) h.set(where, (h.get(where) ?? 0) + n); };
const total = (h: Hits, pred: (where: string) => boolean = () => true) => [...h].filter(([w]) => pred(w)).reduce((s, [, n]) => s + n, 0);
const show = (h: Hits) => [...h].map(([w, n]) => `${w}: ${n}`).join(', ') || 'none';

/** Every log segment of this run's topics on the broker's disk, by topic (partition dirs merged). */
function scanKafka(canaries: string[]): Hits {
  const port = system.brokers[0].split(':')[1];
  const dataDir = join(ROOT, '.kafka', `data-${port}`);
  const hits: Hits = new Map();
  for (const dir of readdirSync(dataDir)) {
    if (!dir.startsWith(`${system.topics.prefix}.`)) continue;
    const topic = dir.replace(/-\d+$/, '').slice(system.topics.prefix.length + 1);
    for (const file of readdirSync(join(dataDir, dir))) {
      if (!file.endsWith('.log')) continue;
      add(hits, topic, countHits(readFileSync(join(dataDir, dir, file)).toString('latin1'), canaries));
    }
  }
  return hits;
}

/** `pg_dump` of a database (every schema), hits by table. */
function scanDump(url: string, canaries: string[]): { hits: Hits; bytes: number } {
  const dump = execFileSync('pg_dump', ['--no-owner', '--no-privileges', url], { maxBuffer: 512 * 1024 * 1024 }).toString('utf8');
  const hits: Hits = new Map();
  let table = '(schema)';
  for (const line of dump.split('\n')) {
    const copy = /^COPY ([\w.]+) /.exec(line);
    if (copy) { table = copy[1]; continue; }
    if (line === '\\.') { table = '(schema)'; continue; }
    add(hits, table, countHits(line, canaries));
  }
  return { hits, bytes: dump.length };
}

/** Every service's log of this run. */
function scanLogs(canaries: string[]): { hits: Hits; files: number; bytes: number } {
  const dir = process.env.E2E_LOG_DIR!;
  const hits: Hits = new Map();
  let files = 0;
  let bytes = 0;
  for (const file of readdirSync(dir)) {
    const p = join(dir, file);
    if (!statSync(p).isFile()) continue;
    const text = readFileSync(p, 'utf8');
    files++;
    bytes += text.length;
    add(hits, file, countHits(text, canaries));
  }
  return { hits, files, bytes };
}

/** A pg client as the key vault's SQL runner. */
function runner(client: Client): SqlRunner {
  return {
    query: async (sql, params) => {
      const r = await client.query(sql, params as unknown[]);
      return r.command === 'DELETE' || r.command === 'UPDATE' ? [r.rows, r.rowCount] : r.rows;
    },
  };
}

describe('privacy canaries on the real system', () => {
  const databaseUrl = process.env.E2E_DATABASE_URL!;
  const seeded: Seeded[] = [];
  let admin: string;
  let coordinator: string;
  let auditor: string;
  let supervisor: string;
  const since = new Date(Date.now() - 1000).toISOString();

  beforeAll(async () => {
    [admin, coordinator, auditor, supervisor] = await Promise.all([
      token('system-admin', 'kinlink', 'privacy-admin'),
      token('coordinator', 'unhcr', 'privacy-coordinator', ['unhcr', 'icrc']),
      token('auditor', 'kinlink', 'privacy-auditor'),
      token('supervisor', 'unhcr', 'privacy-supervisor', ['unhcr', 'icrc']),
    ]);
  });
  afterAll(() => disconnectKafka());

  it('seeds canary children and tracing requests and runs the flow (proposals, a closure note)', async () => {
    for (let i = 0; i < N; i++) {
      const f = { ...newFamily(), given: canaryWord(), family: canaryWord(), mother: canaryWord(), father: canaryWord() };
      const child = await registerChild('unhcr', f);
      const request = await fileTracingRequest('icrc', f);
      seeded.push({ f, canaries: [f.given, f.family, f.mother, f.father], child, request, childId: '', requestId: '', proposalId: '' });
    }
    for (const s of seeded) {
      s.childId = await kinlinkIdOf(coordinator, s.child, 'child', s.f);
      s.requestId = await kinlinkIdOf(coordinator, s.request, 'tracing-request', s.f);
      s.proposalId = (await proposalBetween(coordinator, s.childId, s.requestId, since)).id;
    }
    // the intended decrypted views work: the admin API shows the names and the compared values
    const first = seeded[0];
    const child = await api('GET', `/children/${first.childId}`, coordinator);
    expect(child.body.data.name.given).toBe(first.f.given);
    const proposal = await api('GET', `/proposals/${first.proposalId}`, coordinator);
    expect(JSON.stringify(proposal.body.explanation)).toContain(first.f.given);
    // a closure with a free-text note naming the mother (sealed on the topic and at rest)
    const last = seeded[N - 1];
    await publishToAgencyTopic('icrc', JSON.stringify(agencyEvent('tracing-request.closed', 'icrc', last.request.agencyRecordId,
      { reason: 'withdrawn', note: `mother ${last.f.mother} found the child herself` })), last.request.agencyRecordId);
    await eventually(async () => {
      const r = await api('GET', `/tracing-requests/${last.requestId}`, coordinator);
      expect(r.body.status).toBe('closed');
      expect(r.body.closure.note).toContain(last.f.mother);
    }, { timeoutMs: 30_000 });
    // casework free text naming the family (decision note, step notes, checklist notes, the reunification
    // place) for one family to be erased and one kept: sealed under the child's key on the topics and at rest
    for (const s of [seeded[0], seeded[K]]) await caseworkNaming(s);
  });

  async function caseworkNaming(s: Seeded): Promise<void> {
    const confirmed = await api('POST', `/proposals/${s.proposalId}/decisions`, coordinator, { decision: 'confirm', note: `mother ${s.f.mother} named both parents` });
    expect(confirmed.status).toBe(200);
    s.caseId = confirmed.body.caseId as string;
    const step = async (bearer: string, body: Record<string, unknown>) => {
      const r = await eventually(async () => {
        const res = await api('POST', `/cases/${s.caseId}/transitions`, bearer, body);
        expect(res.status).not.toBe(404); // the case view follows case.opened
        return res;
      });
      expect({ type: body.type, status: r.status, body: r.status === 200 ? 'ok' : r.body }).toEqual({ type: body.type, status: 200, body: 'ok' });
    };
    await step(coordinator, { type: 'start_verification', note: `father ${s.f.father} met the caseworker` });
    await step(coordinator, {
      type: 'submit_verification',
      checklist: { adultWantsToCare: true, adultAbleToCare: true, childKnowsAdult: true, childWishes: 'wants', informationMatches: true, bestInterestsAssessmentRecorded: true, notes: `${s.f.given} knows the ${s.f.family} house` },
    });
    await step(supervisor, { type: 'approve_verification' });
    const inThreeDays = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    await step(coordinator, { type: 'plan_reunification', plannedDate: inThreeDays, place: `${s.f.family} family compound` });
    // the intended decrypted view: the admin API opens the timeline and the decision note per read
    const c = await api('GET', `/cases/${s.caseId}`, coordinator);
    expect(c.body.status).toBe('reunification_planned');
    const timeline = JSON.stringify(c.body.timeline);
    for (const name of [s.f.father, s.f.given, s.f.family]) expect(timeline).toContain(name);
    expect((await api('GET', `/proposals/${s.proposalId}`, coordinator)).body.decision.note).toContain(s.f.mother);
  }

  const INTENDED_TOPIC = (t: string) => t.startsWith('inbound.');

  it('finds plaintext canaries only where intended: the agencies’ inbound topics (not in any table, log or internal topic)', async () => {
    const canaries = seeded.flatMap((s) => s.canaries);
    const k = scanKafka(canaries);
    const d = scanDump(databaseUrl, canaries);
    const l = scanLogs(canaries);
    console.log([
      `privacy canaries: ${N} children + ${N} tracing requests, ${canaries.length} canary names`,
      `  Kafka log segments: internal/outbound topics ${total(k, (t) => !INTENDED_TOPIC(t))} hits; agencies' inbound topics ${total(k, INTENDED_TOPIC)} hits (${show(k)})`,
      `  pg_dump (${(d.bytes / 1e6).toFixed(1)} MB, every schema): ${total(d.hits)} hits`,
      `  service logs (${l.files} files, ${(l.bytes / 1e6).toFixed(1)} MB): ${total(l.hits)} hits`,
    ].join('\n'));
    // positive control: the scan finds plaintext where it is (the dump scan's is the replay's kept canaries below)
    expect(total(k, INTENDED_TOPIC)).toBeGreaterThan(0);
    // and that agency-written plaintext is kept only a week (the inbound topics' retention)
    const kadmin = kafka.admin();
    await kadmin.connect();
    const cfg = await kadmin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: system.topics.agencyInbound('unhcr'), configNames: ['retention.ms'] }] });
    await kadmin.disconnect();
    expect(cfg.resources[0].configEntries.find((c) => c.configName === 'retention.ms')?.configValue).toBe(String(AGENCY_INBOUND_RETENTION_MS));
    // nowhere else
    expect(show(new Map([...k].filter(([t]) => !INTENDED_TOPIC(t))))).toBe('none');
    expect(show(d.hits)).toBe('none');
    expect(show(l.hits)).toBe('none');
  });

  it('erases K children; replays every topic from offset 0 into a fresh projection; 0 hits for them anywhere; the audit log verifies', async () => {
    // K families erased: the child and the tracing request that seeks it (they share the names)
    const erased = seeded.slice(0, K);
    const kept = seeded.slice(K);
    for (const s of erased) {
      const unconfirmed = await api('POST', `/children/${s.childId}/erasure`, admin, { reasonCode: 'subject_request' });
      expect(unconfirmed.status).toBe(422);
      expect((await api('POST', `/children/${s.childId}/erasure`, coordinator, { reasonCode: 'subject_request', confirm: s.childId })).status).toBe(403);
      for (const [kind, id] of [['children', s.childId], ['tracing-requests', s.requestId]]) {
        const r = await api('POST', `/${kind}/${id}/erasure`, admin, { reasonCode: 'subject_request', note: 'the family asked', confirm: id });
        expect([200, 202]).toContain(r.status);
      }
    }
    for (const s of erased) {
      await eventually(async () => {
        const r = await api('GET', `/children/${s.childId}`, coordinator);
        expect(r.body).toMatchObject({ status: 'erased', data: '[erased]' });
        const t = await api('GET', `/tracing-requests/${s.requestId}`, coordinator);
        expect(t.body).toMatchObject({ status: 'erased', data: '[erased]' });
        const p = await api('GET', `/proposals/${s.proposalId}`, coordinator);
        // open proposals are withdrawn; the one confirmed into a case stays confirmed
        expect(p.body.status).toBe(s.caseId ? 'confirmed' : 'withdrawn');
        if (s.caseId) expect(p.body.decision.note).toBe('[erased]');
        expect(p.body.explanation.some((f: { left?: unknown; right?: unknown }) => f.left === '[erased]' && f.right === '[erased]')).toBe(true);
        expect(JSON.stringify(p.body)).not.toContain(s.f.given);
      }, { timeoutMs: 30_000 });
      const search = await api('GET', `/children?name=${encodeURIComponent(`${s.f.given} ${s.f.family}`)}`, coordinator);
      expect(search.status).toBe(200);
      expect(search.body.items.map((i: { id: string }) => i.id)).not.toContain(s.childId);
    }
    // casework text of an erased child reads [erased]; a kept child's still opens
    const erasedCase = await api('GET', `/cases/${erased[0].caseId}`, coordinator);
    expect(JSON.stringify(erasedCase.body.timeline)).toContain('[erased]');
    expect(JSON.stringify(erasedCase.body)).not.toMatch(new RegExp(erased[0].canaries.join('|')));
    expect(JSON.stringify((await api('GET', `/cases/${kept[0].caseId}`, coordinator)).body.timeline)).toContain(kept[0].f.family);
    // a kept family is still there, in full
    expect((await api('GET', `/children/${kept[0].childId}`, coordinator)).body.data.name.given).toBe(kept[0].f.given);
    const erasedCanaries = erased.flatMap((s) => s.canaries);
    const keptCanaries = kept.flatMap((s) => s.canaries);

    // replay: every topic from offset 0, opened with the real key vault, into a fresh projection
    const vaultDb = new Client({ connectionString: databaseUrl });
    await vaultDb.connect();
    const cipher = new SubjectCipher(new PgSubjectKeyStore(runner(vaultDb), new LocalMasterKeyWrapper(loadMasterKey({ NODE_ENV: 'test' }))), 0);
    const projection = new Map<string, unknown>();
    let events = 0;
    let unreadable = 0;
    const consumer = kafka.consumer({ groupId: `e2e-replay-${randomUUID()}`, sessionTimeout: 6_000, heartbeatInterval: 500 });
    await consumer.connect();
    // every internal topic (and the outbound notices): sealed record parts are opened as a projection would, the rest copied as is
    const topics = [...system.topics.allInternal(), system.topics.agencyOutbound('unhcr'), system.topics.agencyOutbound('icrc')];
    const admin_ = kafka.admin();
    await admin_.connect();
    const ends = new Map<string, number>();
    for (const t of topics) for (const o of await admin_.fetchTopicOffsets(t)) ends.set(`${t}:${o.partition}`, Number(o.high));
    await admin_.disconnect();
    const seen = new Map<string, number>();
    const failures: string[] = [];
    const deferred: Array<{ key: string; e: KinlinkEvent }> = [];
    const proposalChild = new Map<string, string>();
    const caseChild = new Map<string, string>();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        seen.set(`${topic}:${partition}`, Number(message.offset) + 1);
        events++;
        let e: KinlinkEvent;
        try {
          e = JSON.parse(message.value!.toString()) as KinlinkEvent;
        } catch {
          projection.set(`${topic}:${partition}:${message.offset}`, message.value?.toString('latin1') ?? null);
          return;
        }
        if (e.type === 'case.opened' && (e.payload as { childId?: string } | undefined)?.childId) {
          const o = e.payload as { caseId: string; childId: string };
          caseChild.set(o.caseId, o.childId);
        }
        const p = (e.payload ?? {}) as unknown as { id: string; record?: SealedRecord; request?: SealedRecord; closure?: SealedClosure; event?: { subjectId: string; data: never } };
        let opened: unknown;
        try {
        if (p.record?.sealed || p.request?.sealed) opened = await openRecord(cipher, p.id, e.eventId, (p.record ?? p.request)!); // (record.read's `record` is a reference)
        else if (p.closure?.note) opened = await openClosure(cipher, p.id, e.eventId, p.closure);
        else if (CASEWORK_TEXT_EVENTS.has(e.type) && e.payload) { // (outbound notices share type names, not the shape)
          // casework free text: whose key and which binding are known once the whole log is read
          deferred.push({ key: `${topic}:${partition}:${message.offset}`, e });
          return;
        } else if (e.type === 'agency-event.accepted') opened = await cipher.open(p.event!.subjectId, e.eventId, { data: p.event!.data });
        else if (e.type === 'match.proposed' && (e as KinlinkEvent<'match.proposed'>).payload?.values) { // (outbound notices share the type name, not the shape)
          const v = (e as KinlinkEvent<'match.proposed'>).payload.values!;
          const mp = (e as KinlinkEvent<'match.proposed'>).payload;
          proposalChild.set(mp.proposalId, caseworkSubjectOf(mp.left, mp.right));
          opened = [await cipher.open(v.left!.subjectId, e.eventId, { 'explanation.left': v.left!.sealed }), await cipher.open(v.right!.subjectId, e.eventId, { 'explanation.right': v.right!.sealed })];
        } else {
          projection.set(`${topic}:${partition}:${message.offset}`, e);
          return;
        }
        } catch (err) {
          failures.push(`${topic}:${partition}:${message.offset} ${e.type}: ${(err as Error).message}`);
          return;
        }
        if (opened === undefined || (Array.isArray(opened) && opened.includes(undefined))) unreadable++;
        projection.set(`${topic}:${partition}:${message.offset}`, opened ?? '[erased]');
      },
    });
    await eventually(() => {
      const behind = [...ends].filter(([tp, end]) => end > 0 && (seen.get(tp) ?? 0) < end).map(([tp, end]) => `${tp} at ${seen.get(tp) ?? 0}/${end}`);
      expect(behind).toEqual([]);
    }, { timeoutMs: 60_000, intervalMs: 250 });
    await consumer.disconnect();
    for (const { key, e } of deferred) {
      const p = e.payload as unknown as { commandId: string; proposalId?: string; caseId?: string; command?: unknown };
      try {
        const [subject, binding] = e.type === 'proposal.decision-requested' ? [proposalChild.get(p.proposalId!), commandBinding(p.commandId)]
          : e.type === 'case.transition-requested' ? [caseChild.get(p.caseId!), commandBinding(p.commandId)]
            : e.type === 'proposal.decided' ? [proposalChild.get(p.proposalId!), caseworkBinding('proposal', p.proposalId!)]
              : [caseChild.get(p.caseId!), caseworkBinding('case', p.caseId!)];
        if (!subject) { projection.set(key, e); continue; } // a proposal or case of another test's records made before this run's topics were read
        const opened = await openCaseworkText(cipher, subject, binding, e.payload);
        if (JSON.stringify(opened).includes('"[erased]"')) unreadable++;
        projection.set(key, { ...e, payload: opened });
      } catch (err) {
        failures.push(`${key} ${e.type}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    await vaultDb.end();

    // the fresh projection, written to a fresh database and dumped
    const replayUrl = new URL(databaseUrl);
    replayUrl.pathname = `/kinlink_replay_${randomUUID().slice(0, 8)}`;
    const pgAdmin = new Client({ connectionString: databaseUrl });
    await pgAdmin.connect();
    await pgAdmin.query(`CREATE DATABASE "${replayUrl.pathname.slice(1)}"`);
    const replayDb = new Client({ connectionString: replayUrl.toString() });
    await replayDb.connect();
    await replayDb.query('CREATE TABLE projection (key text PRIMARY KEY, data jsonb)');
    for (const [key, data] of projection) await replayDb.query('INSERT INTO projection VALUES ($1, $2)', [key, JSON.stringify(data)]);
    await replayDb.end();
    const replayDump = scanDump(replayUrl.toString(), erasedCanaries);
    const replayKept = scanDump(replayUrl.toString(), keptCanaries);
    await pgAdmin.query(`DROP DATABASE "${replayUrl.pathname.slice(1)}" WITH (FORCE)`);
    await pgAdmin.end();
    const memoryHits = countHits(JSON.stringify([...projection.values()]), erasedCanaries);

    const k = scanKafka(erasedCanaries);
    const d = scanDump(databaseUrl, erasedCanaries);
    const l = scanLogs(erasedCanaries);

    // the audit log: every leaf up to the latest checkpoint exported and verified with the log's key
    const cp = await eventually(async () => {
      const r = await api('GET', '/audit/checkpoints/latest', auditor);
      expect(r.status).toBe(200);
      const leaves = await api('GET', `/audit/subjects/${erased[K - 1].childId}?limit=50`, auditor);
      expect(leaves.body.entries.map((x: { eventType: string }) => x.eventType)).toEqual(expect.arrayContaining(['subject.erasure-requested', 'subject.erased']));
      const erasedLeaf = leaves.body.entries.find((x: { eventType: string }) => x.eventType === 'subject.erased');
      expect(r.body.treeSize).toBeGreaterThan(erasedLeaf.seq);
      return r.body;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    const publicKey = (await api('GET', '/audit/public-key', auditor)).body.publicKey;
    const exported = await fetch(`${system.api}/audit/export?from=0&to=${cp.treeSize}`, { headers: { authorization: `Bearer ${auditor}` } });
    expect(exported.status).toBe(200);
    const text = await exported.text();
    const verdict = verifyExport(text, { publicKey: parseVerifierKey(publicKey) });
    const exportHits = countHits(text, [...erasedCanaries, ...keptCanaries]);

    console.log([
      `privacy canaries after erasing ${K} of ${N} children (crypto-shredding through the admin API):`,
      `  replay from offset 0 of every internal topic and the outbound notices: ${events} messages, ${unreadable} with unreadable (erased) fields; fresh projection: erased-canary hits ${total(replayDump.hits)} (pg_dump), ${memoryHits} (memory); kept-canary hits ${total(replayKept.hits)} (positive control)`,
      `  Kafka log segments, erased canaries: ${total(k, (t) => !INTENDED_TOPIC(t))} hits on internal/outbound topics; ${total(k, INTENDED_TOPIC)} on agencies' inbound topics (agency-written plaintext, see docs/security.md §9)`,
      `  pg_dump, erased canaries: ${total(d.hits)} hits (${show(d.hits)})`,
      `  service logs, erased canaries: ${total(l.hits)} hits`,
      `  audit log: ${cp.treeSize} leaves exported and verified: ${verdict.ok}; canary names in the export: ${exportHits}`,
    ].join('\n'));

    expect(unreadable).toBeGreaterThan(0);
    expect(total(replayKept.hits)).toBeGreaterThan(0);
    expect(total(replayDump.hits)).toBe(0);
    expect(memoryHits).toBe(0);
    expect(show(new Map([...k].filter(([t]) => !INTENDED_TOPIC(t))))).toBe('none');
    expect(show(d.hits)).toBe('none');
    expect(show(l.hits)).toBe('none');
    expect(verdict.ok).toBe(true);
    expect(exportHits).toBe(0);
    expect(existsSync(join(ROOT, '.run', 'master-key', 'master.key'))).toBe(true);
  });
});

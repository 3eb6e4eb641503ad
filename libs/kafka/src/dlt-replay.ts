import { randomUUID } from 'node:crypto';
import { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { Client } from 'pg';
import { INTERNAL_TOPICS, REJECTION_REASONS, TopicNames } from '@kinlink/contracts';
import { EventPublisher, RawRecord } from './event-publisher';
import { HEADER, headerText } from './headers';

/**
 * Replays dead letters after a fix: reads `<prefix>.dead-letter` from the start up to its end at
 * the time of the run, picks the letters that match the filter, and publishes each one's original
 * key, value and event headers back to its original topic — once: a replayed letter is remembered
 * (table `dlt_replay.replayed`, by dead-letter topic, partition and offset) in the transaction
 * that publishes it, so a second run skips it. Consumers are idempotent (inbox by event id), so a
 * letter replayed while its event was somehow applied changes nothing; consumers that check
 * revisions or versions ignore a replayed event that newer ones have superseded.
 *
 * If a replayed event fails again it is dead-lettered again (a new letter, with `dlt-replay-of`
 * naming the letter it came from), and can be replayed again after the next fix.
 */
export const REPLAY_SCHEMA = 'dlt_replay';
export const REPLAY_HEADER = {
  replayOf: HEADER.dltReplayOf,
  replayReason: 'dlt-replay-reason',
  replayedAt: 'dlt-replayed-at',
} as const;

export interface DltReplayFilter {
  /** original topics to replay: physical names; empty means every topic */
  topics: string[];
  /** only letters dead-lettered at or after this time (header `dlt-failed-at`) */
  since?: Date;
  /** only letters with this reason: exact, `retries_exhausted:<reason>`, or a prefix ending in `*` */
  reason?: string;
  /**
   * Agency events the gateway refused by the contract (malformed, schema-invalid, wrong version or
   * agency…) are left alone unless `reason` names them or this is set: the same bytes fail again
   * (the agency must send a corrected event) and the agency would be told twice.
   */
  includeContractRejections?: boolean;
}

export interface DeadLetter {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  originalTopic?: string;
  reason?: string;
  failedAt?: string;
}

export interface DltReplayOptions {
  kafka: Kafka;
  topics: TopicNames;
  databaseUrl: string;
  filter: DltReplayFilter;
  dryRun?: boolean;
  log?: (line: string) => void;
  /** give up reading the dead-letter topic after this long (default 60 s) */
  readTimeoutMs?: number;
}

export interface ReplayedLetter {
  partition: number;
  offset: string;
  originalTopic: string;
  reason: string;
  eventId?: string;
  failedAt?: string;
  status: 'replayed' | 'would-replay' | 'already-replayed';
}

export interface DltReplayReport {
  deadLetterTopic: string;
  scanned: number;
  matched: number;
  replayed: number;
  alreadyReplayed: number;
  dryRun: boolean;
  letters: ReplayedLetter[];
}

/** `all`, a physical topic name, or a logical one (`intake`, `records`, `inbound.unhcr`) → physical names. */
export function parseTopicFilter(spec: string, topics: TopicNames): string[] {
  const out: string[] = [];
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (part === 'all') return [];
    if (part.startsWith(`${topics.prefix}.`)) out.push(part);
    else out.push(`${topics.prefix}.${part}`);
  }
  if (out.length === 0) throw new Error('--topic needs a topic name or "all"');
  const dlt = topics.internal(INTERNAL_TOPICS.deadLetter);
  if (out.includes(dlt)) throw new Error('the dead-letter topic itself cannot be a replay target');
  return out;
}

export function matchesFilter(letter: DeadLetter, filter: DltReplayFilter): boolean {
  if (!letter.originalTopic) return false;
  if (filter.topics.length > 0 && !filter.topics.includes(letter.originalTopic)) return false;
  if (filter.since) {
    const at = letter.failedAt ? Date.parse(letter.failedAt) : NaN;
    if (!(at >= filter.since.getTime())) return false;
  }
  if (!filter.reason && !filter.includeContractRejections && (REJECTION_REASONS as readonly string[]).includes(letter.reason ?? '')) return false;
  if (filter.reason) {
    const reason = letter.reason ?? '';
    const wanted = filter.reason;
    const ok = wanted.endsWith('*')
      ? reason.startsWith(wanted.slice(0, -1)) || reason.startsWith(`retries_exhausted:${wanted.slice(0, -1)}`)
      : reason === wanted || reason === `retries_exhausted:${wanted}`;
    if (!ok) return false;
  }
  return true;
}

/** The message to publish again: original key and value, event headers kept, dead-letter headers replaced by a reference to the letter. */
export function replayRecord(letter: DeadLetter, deadLetterTopic: string, now = new Date()): RawRecord {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(letter.headers)) if (!k.startsWith('dlt-')) headers[k] = v;
  headers[REPLAY_HEADER.replayOf] = `${deadLetterTopic}:${letter.partition}:${letter.offset}`;
  headers[REPLAY_HEADER.replayReason] = letter.reason ?? 'unknown';
  headers[REPLAY_HEADER.replayedAt] = now.toISOString();
  return { topic: letter.originalTopic!, key: letter.key, value: letter.value, headers };
}

export function toDeadLetter(partition: number, message: KafkaMessage): DeadLetter {
  const headers = textHeaders(message.headers);
  return {
    partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value, headers,
    originalTopic: headers[HEADER.dltOriginalTopic], reason: headers[HEADER.dltReason], failedAt: headers[HEADER.dltFailedAt],
  };
}

function textHeaders(raw: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(raw ?? {})) {
    const v = headerText(raw, k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export async function ensureReplayTable(db: Client): Promise<void> {
  await db.query(`CREATE SCHEMA IF NOT EXISTS ${REPLAY_SCHEMA}`).catch((e: { code?: string }) => {
    if (e.code !== '23505' && e.code !== '42P06') throw e;
  });
  await db.query(`CREATE TABLE IF NOT EXISTS ${REPLAY_SCHEMA}.replayed (
    dlt_topic text NOT NULL, dlt_partition integer NOT NULL, dlt_offset bigint NOT NULL,
    original_topic text NOT NULL, reason text, event_id text, failed_at timestamptz,
    replayed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dlt_topic, dlt_partition, dlt_offset))`).catch((e: { code?: string }) => {
    if (e.code !== '23505' && e.code !== '42P07') throw e;
  });
}

/** Reads the dead-letter topic from the start to its end as of now (an ephemeral group that never commits). */
export async function readDeadLetters(kafka: Kafka, topic: string, timeoutMs = 60_000): Promise<DeadLetter[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `${topic}.replay-reader-${randomUUID()}`;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const ends = new Map(offsets.map((p) => [p.partition, BigInt(p.high)]));
    const starts = new Map(offsets.map((p) => [p.partition, BigInt(p.low)]));
    const remaining = new Set([...ends].filter(([p, high]) => high > (starts.get(p) ?? 0n)).map(([p]) => p));
    const letters: DeadLetter[] = [];
    if (remaining.size === 0) return letters;
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
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
            letters.push(toDeadLetter(batch.partition, m));
          }
          const last = batch.messages[batch.messages.length - 1];
          if (last && BigInt(last.offset) + 1n >= end) {
            remaining.delete(batch.partition);
            if (remaining.size === 0) done();
          }
        },
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out reading ${topic}`)), timeoutMs); });
      await Promise.race([finished, timeout]).finally(() => clearTimeout(timer));
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
    return letters.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/** Replays the dead letters that match the filter (see the module comment). */
export async function replayDeadLetters(options: DltReplayOptions): Promise<DltReplayReport> {
  const log = options.log ?? (() => undefined);
  const dltTopic = options.topics.internal(INTERNAL_TOPICS.deadLetter);
  const db = new Client({ connectionString: options.databaseUrl });
  await db.connect();
  const publisher = new EventPublisher(options.kafka, options.topics);
  const report: DltReplayReport = { deadLetterTopic: dltTopic, scanned: 0, matched: 0, replayed: 0, alreadyReplayed: 0, dryRun: Boolean(options.dryRun), letters: [] };
  try {
    await ensureReplayTable(db);
    const letters = await readDeadLetters(options.kafka, dltTopic, options.readTimeoutMs);
    report.scanned = letters.length;
    const matching = letters.filter((l) => matchesFilter(l, options.filter));
    report.matched = matching.length;
    log(`${dltTopic}: ${letters.length} dead letters, ${matching.length} match the filter`);
    const done = new Set<string>(
      (await db.query(`SELECT dlt_partition, dlt_offset::text AS dlt_offset FROM ${REPLAY_SCHEMA}.replayed WHERE dlt_topic = $1`, [dltTopic]))
        .rows.map((r: { dlt_partition: number; dlt_offset: string }) => `${r.dlt_partition}:${r.dlt_offset}`),
    );
    const describe = (l: DeadLetter, status: ReplayedLetter['status']): ReplayedLetter => ({
      partition: l.partition, offset: l.offset, originalTopic: l.originalTopic!, reason: l.reason ?? 'unknown',
      eventId: l.headers[HEADER.eventId], failedAt: l.failedAt, status,
    });
    const todo: DeadLetter[] = [];
    for (const l of matching) {
      if (done.has(`${l.partition}:${l.offset}`)) {
        report.alreadyReplayed++;
        report.letters.push(describe(l, 'already-replayed'));
      } else todo.push(l);
    }
    if (options.dryRun) {
      report.letters.push(...todo.map((l) => describe(l, 'would-replay')));
      return report;
    }
    // in dead-letter order, in small batches: remembered and published in one transaction each
    for (let i = 0; i < todo.length; i += 100) {
      const chunk = todo.slice(i, i + 100);
      await db.query('BEGIN');
      try {
        const fresh: DeadLetter[] = [];
        for (const l of chunk) {
          const inserted = await db.query(
            `INSERT INTO ${REPLAY_SCHEMA}.replayed (dlt_topic, dlt_partition, dlt_offset, original_topic, reason, event_id, failed_at)
             VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING RETURNING 1`,
            [dltTopic, l.partition, l.offset, l.originalTopic, l.reason ?? null, l.headers[HEADER.eventId] ?? null, l.failedAt ?? null],
          );
          if (inserted.rowCount) fresh.push(l);
          else {
            report.alreadyReplayed++; // replayed by a concurrent run
            report.letters.push(describe(l, 'already-replayed'));
          }
        }
        await publisher.sendRecords(fresh.map((l) => replayRecord(l, dltTopic)));
        await db.query('COMMIT');
        report.replayed += fresh.length;
        report.letters.push(...fresh.map((l) => describe(l, 'replayed')));
      } catch (e) {
        await db.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    }
    log(`replayed ${report.replayed}; ${report.alreadyReplayed} had been replayed before`);
    return report;
  } finally {
    await publisher.onApplicationShutdown();
    await db.end().catch(() => undefined);
  }
}

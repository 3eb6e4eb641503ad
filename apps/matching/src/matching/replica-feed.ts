import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { Admin, Consumer, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { INTERNAL_TOPICS, KinlinkEvent, TopicNames } from '@kinlink/contracts';
import { schemaOf } from '@kinlink/database';
import { KAFKA_CLIENT } from '@kinlink/kafka';
import type { MatchingEngine, MatchRecord } from '@kinlink/matching-engine';
import { SubjectCipher, subjectIdsOf } from '@kinlink/privacy';
import { profileFingerprint } from './match-records';
import { profilesOfChange, safeguardingLevelOf } from './sealed-profile';

export interface ReplicaCandidate {
  id: string;
  side: MatchRecord['side'];
  agencyId: string;
  fingerprint: string;
  safeguardingLevel: 'none' | 'elevated' | 'high' | null;
}

/** ≈ 150 bytes each; covers an owner lagging this many records behind the feed */
const RECENT_LIMIT = 200_000;

/** The feed could not catch up in time: the message is held and tried again (the transport treats it as transient). */
class ReplicaBehind extends Error {
  readonly code = 'ETIMEDOUT';
}

/**
 * Scale-out of matching (MATCHING_REPLICA_FEED=1): every instance keeps a full replica of the
 * candidate index, while the match work is partitioned by record key over the consumer group.
 *
 * - The replica is fed from the `records` topic, all partitions, by a consumer of this instance's
 *   own (unique, throw-away) group, starting — per partition, read just before the index is loaded
 *   from the table — at the matching group's committed offset: what lies before it is in the table,
 *   what lies after it (a backlog no instance has matched yet) is not, and may be matched by another
 *   instance. (Starting at the end offsets missed such a backlog.) What is applied twice is applied
 *   idempotently: upsert by profile id, remove by id.
 * - Before an instance matches a record it received at time t, its feed has applied every record
 *   that was on the topic at some moment after t (`sync`: end offsets read after t, waited for).
 *   So of two records r1, r2 on different partitions handled by different instances at the same
 *   time, the one appended later is matched against an index holding the other: no pair is
 *   missed. If both see each other, both propose the same pair: the proposal is serialised by a
 *   per-pair lock in the transaction (MatchRecordChange), so the second finds the first's row and
 *   proposes nothing new — no double proposals.
 * - Per-record order holds on the feed too (one partition per record), so after catching up the
 *   replica holds each record's latest revision even if the owner applied it first.
 */
@Injectable()
export class ReplicaFeed implements OnApplicationShutdown {
  private readonly logger = new Logger(ReplicaFeed.name);
  readonly enabled: boolean;
  private readonly topic: string;
  private admin?: Admin;
  private consumer?: Consumer;
  private engine?: MatchingEngine;
  /** next offset to apply, per partition */
  private readonly applied = new Map<number, number>();
  private barrier?: { startedAt: number; done: Promise<void> };
  /** sought-child ids of requests this feed has seen (older ones are looked up in the table) */
  private readonly soughtIds = new Map<string, string[]>();
  /**
   * What a proposal needs of a candidate, for the last RECENT_LIMIT candidates the feed applied:
   * the index can hold a record whose owner (another instance) has not committed its row yet.
   */
  private readonly recentCandidates = new Map<string, ReplicaCandidate>();
  /** called once an erased subject's records left the index (the index snapshot is shredded) */
  onErased?: () => Promise<void>;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    topics: TopicNames,
    private readonly config: ConfigService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cipher: SubjectCipher,
  ) {
    this.enabled = config.get('MATCHING_REPLICA_FEED') === '1';
    this.topic = topics.internal(INTERNAL_TOPICS.records);
  }

  /** Before the index loads: where the feed will start. */
  async markStart(): Promise<void> {
    if (!this.enabled) return;
    this.admin = this.kafka.admin();
    await this.admin.connect();
    // a topic created a moment ago may have no leader yet
    for (let attempt = 1; ; attempt++) {
      try {
        const ends = await this.admin.fetchTopicOffsets(this.topic);
        const [committed] = await this.admin.fetchOffsets({ groupId: this.matchingGroupId(), topics: [this.topic] });
        for (const [partition, offset] of replicaStartOffsets(ends, committed?.partitions ?? [])) this.applied.set(partition, offset);
        return;
      } catch (e) {
        if (attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, 250 * Math.min(attempt, 4)));
      }
    }
  }

  /** the consumer group whose instances match records (bootstrapService names it so) */
  private matchingGroupId(): string {
    return `${this.config.getOrThrow('TOPIC_PREFIX')}.matching`;
  }

  /** After the index loaded: apply every record change from the start offsets on. */
  async start(engine: MatchingEngine): Promise<void> {
    if (!this.enabled) return;
    this.engine = engine;
    const start = new Map(this.applied);
    this.consumer = this.kafka.consumer({ groupId: `${this.config.getOrThrow('TOPIC_PREFIX')}.matching.replica.${randomUUID()}`, maxWaitTimeInMs: 500 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: false });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const from = start.get(batch.partition) ?? 0;
        const entries = batch.messages.filter((m) => Number(m.offset) >= from).map((m) => ({ offset: Number(m.offset), event: parseChange(m.value) }));
        await this.prefetchKeys(entries.map((e) => e.event));
        for (const { offset, event } of entries) {
          try {
            if (event instanceof Error) throw event;
            await this.apply(event);
          } catch (e) {
            this.logger.warn(`replica feed: ${batch.partition}@${offset} not applied: ${(e as Error).message}`);
          }
          this.applied.set(batch.partition, Math.max(this.applied.get(batch.partition) ?? 0, offset + 1));
        }
      },
    });
    for (const [partition, offset] of start) this.consumer.seek({ topic: this.topic, partition, offset: String(offset) });
    this.logger.log(`replica feed started at ${JSON.stringify(Object.fromEntries(start))}`);
  }

  /**
   * Waits until the replica holds every record that was on the topic at a moment after
   * `receivedAt` (one end-offset read serves every message received before it started).
   */
  async sync(receivedAt: number): Promise<void> {
    if (!this.enabled || !this.admin) return;
    if (this.barrier && this.barrier.startedAt >= receivedAt) return this.barrier.done;
    const startedAt = Date.now();
    const done = (async () => {
      const ends = await this.admin!.fetchTopicOffsets(this.topic);
      const deadline = Date.now() + 30_000;
      while (!ends.every((p) => (this.applied.get(p.partition) ?? 0) >= Number(p.offset))) {
        if (Date.now() > deadline) throw new ReplicaBehind('replica feed did not catch up within 30 s');
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    this.barrier = { startedAt, done };
    done.catch(() => { if (this.barrier?.done === done) this.barrier = undefined; });
    return done;
  }

  private async apply(event: KinlinkEvent | null): Promise<void> {
    const engine = this.engine!;
    if (!event) return;
    const p = event.payload as { id: string };
    switch (event.type) {
      case 'child.registered':
      case 'child.updated': {
        // sealed like everywhere else: opened here too; an erased child's late event indexes nothing
        const [profile] = (await profilesOfChange(this.cipher, event as never)) ?? [];
        if (!profile) break;
        engine.upsert(profile);
        this.remember(profile, safeguardingLevelOf(event));
        break;
      }
      case 'child.closed':
        engine.remove(p.id);
        this.recentCandidates.delete(p.id);
        break;
      case 'subject.erased':
      case 'tracing-request.filed':
      case 'tracing-request.updated':
      case 'tracing-request.closed': {
        const recordId = event.type === 'subject.erased' ? (event as KinlinkEvent<'subject.erased'>).payload.subject.id : p.id;
        if (event.type === 'subject.erased') this.cipher.forget(recordId);
        const changed = event.type === 'tracing-request.filed' || event.type === 'tracing-request.updated';
        const profiles = changed ? (await profilesOfChange(this.cipher, event as never)) ?? [] : [];
        const keep = new Set(profiles.map((x) => x.id));
        const known = event.type === 'tracing-request.filed' ? [] : [recordId, ...await this.soughtIdsOf(recordId)];
        for (const id of known) {
          if (keep.has(id)) continue;
          engine.remove(id);
          this.recentCandidates.delete(id);
        }
        for (const profile of profiles) {
          engine.upsert(profile);
          this.remember(profile, null);
        }
        if (profiles.length) this.soughtIds.set(recordId, [...keep]);
        else this.soughtIds.delete(recordId);
        if (event.type === 'subject.erased') await this.onErased?.();
        break;
      }
      default:
    }
  }

  /**
   * The data keys a batch of the feed will open, in one round trip: most records the feed applies
   * belong to another instance's partitions, so their keys are not cached here, and one key-vault
   * query per record was most of the replica's cost. Best effort: a failure only loses the batching.
   */
  private async prefetchKeys(events: Array<KinlinkEvent | null | Error>): Promise<void> {
    const ids = events.flatMap((e) => (e && !(e instanceof Error) && e.type !== 'subject.erased' ? subjectIdsOf(e) : []));
    if (ids.length === 0) return;
    await this.cipher.prefetch(ids).catch((e: Error) => this.logger.warn(`replica feed: key prefetch failed (${e.message}); keys are read one by one`));
  }

  /** A candidate the replica holds but whose row may not be committed yet (see recentCandidates). */
  recent(id: string): ReplicaCandidate | undefined {
    return this.recentCandidates.get(id);
  }

  private remember(profile: MatchRecord, safeguardingLevel: ReplicaCandidate['safeguardingLevel']): void {
    this.recentCandidates.delete(profile.id);
    this.recentCandidates.set(profile.id, { id: profile.id, side: profile.side, agencyId: profile.agencyId, fingerprint: profileFingerprint(profile), safeguardingLevel });
    if (this.recentCandidates.size > RECENT_LIMIT) this.recentCandidates.delete(this.recentCandidates.keys().next().value as string);
  }

  private async soughtIdsOf(requestId: string): Promise<string[]> {
    const seen = this.soughtIds.get(requestId) ?? [];
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM "${schemaOf(this.dataSource)}".candidate WHERE record_id = $1`, [requestId]);
    return [...new Set([...seen, ...rows.map((r) => r.id)])];
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
  }
}

/** A `records` message as an event (null for an empty value); a message that does not parse is kept as its error. */
function parseChange(value: Buffer | null): KinlinkEvent | null | Error {
  try {
    return JSON.parse(value?.toString() ?? 'null') as KinlinkEvent | null;
  } catch (e) {
    return e as Error;
  }
}

/**
 * Where the replica feed starts, per partition: the matching group's committed offset (never past
 * the end); a partition the group never committed starts at its earliest offset, as the group's
 * own consumer does (it subscribes from the beginning).
 */
export function replicaStartOffsets(
  ends: Array<{ partition: number; offset: string; low: string }>,
  committed: Array<{ partition: number; offset: string }>,
): Map<number, number> {
  const byPartition = new Map(committed.map((c) => [c.partition, Number(c.offset)]));
  const start = new Map<number, number>();
  for (const p of ends) {
    const c = byPartition.get(p.partition);
    start.set(p.partition, c === undefined || c < 0 ? Number(p.low) : Math.min(c, Number(p.offset)));
  }
  return start;
}

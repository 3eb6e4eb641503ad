import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { CompressionTypes, Kafka, Partitioners, Producer } from 'kafkajs';
import { KinlinkEvent, TOPIC_OF, TopicNames } from '@kinlink/contracts';
import type { OutboxEntry } from '@kinlink/database';
import { eventHeaders } from './headers';
import { KAFKA_CLIENT } from './kafka.tokens';
import { currentBatch } from './batch-scope';

export interface RawRecord {
  topic: string;
  key: string | null;
  value: Buffer | string | null;
  headers?: Record<string, string>;
}

/**
 * The one producer of a service. Idempotent (no duplicates from producer retries), acks from all
 * in-sync replicas, Java-compatible partitioner so keys land where other clients expect.
 */
@Injectable()
export class EventPublisher implements OnApplicationShutdown {
  private readonly producer: Producer;
  private connecting?: Promise<void>;

  constructor(
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    readonly topics: TopicNames,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // an idempotent producer must keep retrying (fewer retries would allow gaps or duplicates)
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 5_000 },
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  private connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((e) => {
      this.connecting = undefined;
      throw e;
    });
    return this.connecting;
  }

  /** Where an internal event goes: its type's topic, keyed by its subject id. */
  toOutboxEntry(event: KinlinkEvent): OutboxEntry {
    return { topic: this.topics.internal(TOPIC_OF[event.type]), key: event.subject.id, headers: eventHeaders(event), payload: event };
  }

  async publish(events: KinlinkEvent[]): Promise<void> {
    await this.sendRecords(events.map((e) => {
      const entry = this.toOutboxEntry(e);
      return { ...entry, value: JSON.stringify(entry.payload) };
    }));
  }

  /** Inside a batch slice (KafkaEventServer) the records are collected and sent with the slice's in one request. */
  async sendRecords(records: RawRecord[]): Promise<void> {
    if (records.length === 0) return;
    const batch = currentBatch();
    if (batch) {
      batch.collect(records);
      return;
    }
    await this.sendNow(records);
  }

  /** Sends at once, in one request (records of one topic-partition keep their order). */
  async sendNow(records: RawRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.connect();
    const byTopic = new Map<string, RawRecord[]>();
    for (const r of records) {
      const list = byTopic.get(r.topic);
      if (list) list.push(r);
      else byTopic.set(r.topic, [r]);
    }
    await this.producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, rs]) => ({
        topic,
        messages: rs.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
      })),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.connecting) await this.producer.disconnect().catch(() => undefined);
  }
}

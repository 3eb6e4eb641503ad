import { Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { INTERNAL_TOPICS, KinlinkEvent, TopicNames } from '@kinlink/contracts';
import { EventPublisher, KafkaEventServer } from '@kinlink/kafka';

/**
 * Feeds the audit log's signed checkpoints (`audit-checkpoints`) into the projection, with the
 * project's own Kafka transport (once per event, retries, dead letters) in a consumer group of its
 * own (`<prefix>.admin-api.audit-checkpoints`). Self-contained so the admin API's main subscription
 * list needs no change; if `audit-checkpoints` is ever added there (with a ProjectionsConsumer
 * handler), this feed is redundant but harmless: the projection's inbox makes both idempotent.
 */
export class CheckpointFeed {
  private readonly logger = new Logger('CheckpointFeed');
  private server?: KafkaEventServer;

  constructor(
    private readonly deps: { kafka: Kafka; topics: TopicNames; publisher: EventPublisher; project: (e: KinlinkEvent) => Promise<void> },
  ) {}

  async start(): Promise<void> {
    const server = new KafkaEventServer({
      kafka: this.deps.kafka,
      groupId: `${this.deps.topics.prefix}.admin-api.audit-checkpoints`,
      topics: this.deps.topics,
      subscribe: [INTERNAL_TOPICS.auditCheckpoints],
      publisher: this.deps.publisher,
      partitionsConsumedConcurrently: 1,
    });
    server.addHandler(INTERNAL_TOPICS.auditCheckpoints, (e: KinlinkEvent) => this.deps.project(e), true);
    await new Promise<void>((resolve, reject) => {
      void server.listen((error?: unknown) => (error ? reject(error) : resolve()));
    });
    this.server = server;
    this.logger.log('following the audit log checkpoints');
  }

  get isReady(): boolean {
    return this.server?.isReady ?? false;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { TopicNames, topicConfigOf } from '@kinlink/contracts';
import { KAFKA_CLIENT } from './kafka.tokens';

/** Creates topics explicitly (broker auto-creation is off, so a typo never makes a topic). */
@Injectable()
export class TopicAdmin {
  private readonly logger = new Logger(TopicAdmin.name);
  constructor(@Inject(KAFKA_CLIENT) private readonly kafka: Kafka, private readonly topics: TopicNames) {}

  async ensureTopics(names: string[], partitions: number): Promise<void> {
    await ensureTopics(this.kafka, names, partitions, (t) => topicConfigOf(this.topics, t));
    this.logger.debug(`topics ready: ${names.length}`);
  }

  /** Every internal topic plus each agency's inbound and outbound topic. */
  async ensureKinlinkTopics(agencies: string[], partitions: number): Promise<void> {
    const names = [
      ...this.topics.allInternal(),
      ...agencies.flatMap((a) => [this.topics.agencyInbound(a), this.topics.agencyOutbound(a)]),
    ];
    await this.ensureTopics(names, partitions);
  }
}

export async function ensureTopics(
  kafka: Kafka, names: string[], partitions: number, configOf: (topic: string) => Array<{ name: string; value: string }> = () => [],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(names)].filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1, configEntries: configOf(topic) })),
    }).catch((e: { type?: string }) => {
      if (e.type !== 'TOPIC_ALREADY_EXISTS') throw e; // another service created it first
    });
  } finally {
    await admin.disconnect();
  }
}

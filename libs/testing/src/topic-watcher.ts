import { Kafka, logLevel } from 'kafkajs';
import { KinlinkEvent, LogicalTopic, TopicNames } from '@kinlink/contracts';

/** A running consumer that appends every event of one internal topic (from the beginning) to `into`. */
export interface TopicWatcher {
  stop(): Promise<void>;
}

/** Watches `<prefix>.<topic>` on the test broker (KAFKA_BROKERS) in a consumer group of its own. */
export async function watchTopic(prefix: string, topic: LogicalTopic, into: KinlinkEvent[]): Promise<TopicWatcher> {
  const kafka = new Kafka({ clientId: `${prefix}-watch`, brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:39092').split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${prefix}-watch-${topic}`, sessionTimeout: 6_000 });
  await consumer.connect();
  await consumer.subscribe({ topic: new TopicNames(prefix).internal(topic), fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => { into.push(JSON.parse(message.value!.toString()) as KinlinkEvent); } });
  return { stop: () => consumer.disconnect() };
}

/**
 * How long a consumer waits for a message that arrives while its fetch is parked at the broker,
 * for a given fetch wait (`maxWaitTimeInMs`): 200 messages at random 5–20/s to two 3-partition
 * topics of their own, a 30 ms handler; prints p50/p95/max. Needs a running broker:
 * `BENCH_KAFKA_PORT=39792 node -r @swc-node/register bench/e2e/fetch-wait-probe.ts <waitMs> [partitions]`.
 */
import { Kafka, logLevel, Partitioners } from 'kafkajs';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function main() {
  const wait = Number(process.argv[2] ?? 1000);
  const parts = Number(process.argv[3] ?? 3);
  const kafka = new Kafka({ clientId: 'probe', brokers: [`127.0.0.1:${process.env.BENCH_KAFKA_PORT ?? 39492}`], logLevel: logLevel.NOTHING });
  const admin = kafka.admin(); await admin.connect();
  const topics = [`probe-a-${Date.now()}`, `probe-b-${Date.now()}`];
  await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: parts, replicationFactor: 1 })) });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner }); await producer.connect();
  const consumer = kafka.consumer({ groupId: `probe-${Date.now()}`, maxWaitTimeInMs: wait });
  await consumer.connect(); await consumer.subscribe({ topics, fromBeginning: true });
  const lat: number[] = [];
  const sent = new Map<string, number>();
  const joined = new Promise<void>((r) => consumer.on(consumer.events.GROUP_JOIN, () => r()));
  await consumer.run({ partitionsConsumedConcurrently: 3, eachBatchAutoResolve: true, eachBatch: async ({ batch }) => {
    for (const m of batch.messages) { const t = sent.get(m.key!.toString()); if (t) lat.push(Date.now() - t); }
    await sleep(30); // some processing
  } });
  await joined; await sleep(1500);
  for (let i = 0; i < 200; i++) {
    await sleep(50 + Math.random() * 150);
    const k = `k${i}`; sent.set(k, Date.now());
    await producer.send({ topic: topics[i % 2], acks: -1, messages: [{ key: k, value: 'x' }] });
  }
  await sleep(wait + 500);
  lat.sort((a, b) => a - b);
  console.log(`maxWait ${wait}: n=${lat.length} p50=${lat[Math.floor(lat.length * 0.5)]} p95=${lat[Math.floor(lat.length * 0.95)]} max=${lat[lat.length - 1]}`);
  await consumer.disconnect(); await producer.disconnect(); await admin.deleteTopics({ topics }); await admin.disconnect();
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });

// Proves that the broker started by scripts/lib/kafka-broker.mjs (a real Apache Kafka JVM, see
// tools/kafka/pom.xml for the version) works with kafkajs 2.2.4: admin, consumer groups, and
// idempotent transactional producers (commit, abort, sendOffsets) with read-committed consumers.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vm from 'node:vm';
import { Admin, Consumer, Kafka, KafkaMessage, logLevel, LogEntry, Producer } from 'kafkajs';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

type EnsureBroker = (opts?: {
  port?: number;
  fresh?: boolean;
  log?: (...args: unknown[]) => void;
}) => Promise<{ brokers: string[]; pid: number | null; reused: boolean }>;

// Loads the .mjs with Node's own ESM loader. A plain import() does not work here: the TypeScript transform
// turns it into require() (which Jest routes through its own CommonJS registry, also for
// module.createRequire), and an import() compiled inside Jest's vm context needs --experimental-vm-modules.
// A function compiled in the main context with USE_MAIN_CONTEXT_DEFAULT_LOADER (Node >= 20.19 / 21.7) does;
// Node prints one ExperimentalWarning for it.
const nativeImport = new vm.Script('(specifier) => import(specifier)', {
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
}).runInThisContext() as (specifier: string) => Promise<unknown>;
const BROKER_LIB = pathToFileURL(path.resolve(__dirname, '../../scripts/lib/kafka-broker.mjs')).href;

jest.setTimeout(120_000);

async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('local Kafka broker + kafkajs 2.2.4', () => {
  const runId = `${Date.now().toString(36)}-${process.pid}`;
  const topics = {
    plain: `infra.plain.${runId}`,
    tx: `infra.tx.${runId}`,
    input: `infra.input.${runId}`,
    output: `infra.output.${runId}`,
  };
  const kafkaLog: LogEntry[] = [];
  const clients: Array<Producer | Consumer> = [];
  let ensureBroker: EnsureBroker;
  let brokers: string[];
  let kafka: Kafka;
  let admin: Admin;

  const consumer = (groupId: string, extra: { readUncommitted?: boolean } = {}): Consumer => {
    const c = kafka.consumer({
      groupId,
      sessionTimeout: 6_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 250,
      allowAutoTopicCreation: false,
      ...extra,
    });
    clients.push(c);
    return c;
  };
  const producer = (config: Parameters<Kafka['producer']>[0] = {}): Producer => {
    const p = kafka.producer({ allowAutoTopicCreation: false, ...config });
    clients.push(p);
    return p;
  };
  const joined = (c: Consumer): Promise<void> =>
    new Promise((resolve) => {
      const off = c.on(c.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
  // kafkajs logs retriable broker errors at ERROR level before retrying them. These are expected:
  // CONCURRENT_TRANSACTIONS answers AddPartitionsToTxn while the previous transaction's markers are still
  // being written; the coordinator ones only happen right after a cluster was created.
  const RETRIED = /concurrent operation on the same transaction|coordinator is not available|coordinator is loading/i;
  const values = (messages: KafkaMessage[]): string[] => messages.map((m) => m.value?.toString() ?? '');

  beforeAll(async () => {
    ({ ensureBroker } = (await nativeImport(BROKER_LIB)) as { ensureBroker: EnsureBroker });
    ({ brokers } = await ensureBroker({ log: () => undefined }));
    kafka = new Kafka({
      clientId: `infra-${runId}`,
      brokers,
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => {
        kafkaLog.push(entry);
      },
    });
    admin = kafka.admin();
    await admin.connect();
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })),
    });
    expect(created).toBe(true);
  });

  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.disconnect()));
    if (admin) {
      await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('reuses the running broker on a second ensureBroker() call', async () => {
    const again = await ensureBroker({ log: () => undefined });
    expect(again.reused).toBe(true);
    expect(again.brokers).toEqual(brokers);
    expect(brokers).toEqual([expect.stringMatching(/^127\.0\.0\.1:\d+$/)]);

    const cluster = await admin.describeCluster();
    expect(cluster.brokers).toHaveLength(1);
    const metadata = await admin.fetchTopicMetadata({ topics: [topics.plain] });
    expect(metadata.topics[0].partitions).toHaveLength(3);
  });

  it('produces and consumes through a consumer group', async () => {
    const c = consumer(`infra-plain-${runId}`);
    const received: KafkaMessage[] = [];
    await c.connect();
    await c.subscribe({ topics: [topics.plain], fromBeginning: true });
    const groupJoined = joined(c);
    await c.run({ eachMessage: async ({ message }) => void received.push(message) });
    await groupJoined;

    const p = producer();
    await p.connect();
    const sent = Array.from({ length: 9 }, (_, i) => ({ key: `family-${i % 3}`, value: `m${i}` }));
    await p.send({ topic: topics.plain, messages: sent });

    await waitFor('9 messages', () => received.length >= 9);
    expect(values(received).sort()).toEqual(sent.map((m) => m.value).sort());
    // Same key, same partition, so per-key order is kept.
    for (const key of ['family-0', 'family-1', 'family-2']) {
      const forKey = received.filter((m) => m.key?.toString() === key);
      expect(values(forKey)).toEqual(sent.filter((m) => m.key === key).map((m) => m.value));
    }
  });

  it('commits and aborts transactions; read-committed consumers see only committed messages', async () => {
    const p = producer({ transactionalId: `infra-tx-${runId}`, idempotent: true, maxInFlightRequests: 1 });
    await p.connect();

    const committed = await p.transaction();
    await committed.send({
      topic: topics.tx,
      messages: [0, 1, 2].map((i) => ({ key: `k${i}`, value: `committed-${i}` })),
    });
    await committed.commit();

    const aborted = await p.transaction();
    await aborted.send({
      topic: topics.tx,
      messages: [0, 1, 2].map((i) => ({ key: `k${i}`, value: `aborted-${i}` })),
    });
    await aborted.abort();

    const last = await p.transaction();
    await last.send({ topic: topics.tx, messages: [{ key: 'k0', value: 'committed-last' }] });
    await last.commit();

    const readCommitted: KafkaMessage[] = [];
    const rc = consumer(`infra-tx-rc-${runId}`); // readUncommitted defaults to false
    await rc.connect();
    await rc.subscribe({ topics: [topics.tx], fromBeginning: true });
    await rc.run({ eachMessage: async ({ message }) => void readCommitted.push(message) });

    const readUncommitted: KafkaMessage[] = [];
    const ru = consumer(`infra-tx-ru-${runId}`, { readUncommitted: true });
    await ru.connect();
    await ru.subscribe({ topics: [topics.tx], fromBeginning: true });
    await ru.run({ eachMessage: async ({ message }) => void readUncommitted.push(message) });

    // The aborted records are in the log (read-uncommitted sees them) ...
    await waitFor('7 read-uncommitted messages', () => readUncommitted.length >= 7);
    expect(values(readUncommitted).sort()).toEqual(
      ['aborted-0', 'aborted-1', 'aborted-2', 'committed-0', 'committed-1', 'committed-2', 'committed-last'],
    );
    // ... but a read-committed consumer never gets them, and does get what was committed after them.
    await waitFor('4 read-committed messages', () => readCommitted.length >= 4);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(values(readCommitted).sort()).toEqual(['committed-0', 'committed-1', 'committed-2', 'committed-last']);
    expect(readCommitted.some((m) => 'isControlRecord' in m && m.isControlRecord)).toBe(false);
  });

  it('commits consumer offsets inside a transaction (sendOffsets, consume-transform-produce)', async () => {
    const input = Array.from({ length: 6 }, (_, i) => ({ key: `case-${i}`, value: `in-${i}` }));
    const seed = producer();
    await seed.connect();
    await seed.send({ topic: topics.input, messages: input });

    const groupId = `infra-ctp-${runId}`;
    const tp = producer({ transactionalId: `infra-ctp-${runId}`, idempotent: true, maxInFlightRequests: 1 });
    await tp.connect();

    let processed = 0;
    const c = consumer(groupId);
    await c.connect();
    await c.subscribe({ topics: [topics.input], fromBeginning: true });
    await c.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const tx = await tp.transaction();
        try {
          await tx.send({
            topic: topics.output,
            messages: [{ key: message.key, value: `out-${message.value?.toString().slice(3)}` }],
          });
          await tx.sendOffsets({
            consumerGroupId: groupId,
            topics: [{ topic, partitions: [{ partition, offset: (BigInt(message.offset) + 1n).toString() }] }],
          });
          await tx.commit();
        } catch (err) {
          await tx.abort();
          throw err;
        }
        processed += 1;
      },
    });
    await waitFor('6 processed messages', () => processed >= 6);
    await c.disconnect();

    // The group's committed offsets came from the transactions: they match the input's end offsets.
    const ends = await admin.fetchTopicOffsets(topics.input);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topics.input] });
    const byPartition = new Map(committed.partitions.map((p) => [p.partition, p.offset]));
    for (const end of ends) expect(byPartition.get(end.partition)).toBe(end.high);

    // And the outputs are visible to a read-committed consumer.
    const out: KafkaMessage[] = [];
    const oc = consumer(`infra-ctp-out-${runId}`);
    await oc.connect();
    await oc.subscribe({ topics: [topics.output], fromBeginning: true });
    await oc.run({ eachMessage: async ({ message }) => void out.push(message) });
    await waitFor('6 output messages', () => out.length >= 6);
    expect(values(out).sort()).toEqual(input.map((m) => `out-${m.value.slice(3)}`).sort());
  });

  it('logged no kafkajs errors other than retried ones', () => {
    const unexpected = kafkaLog
      .filter((e) => e.level <= logLevel.ERROR)
      .filter((e) => !RETRIED.test(`${e.log.message} ${String(e.log.error ?? '')}`))
      .map((e) => `[${e.label}] ${e.namespace}: ${e.log.message} ${String(e.log.error ?? '')}`);
    expect(unexpected).toEqual([]);
  });
});

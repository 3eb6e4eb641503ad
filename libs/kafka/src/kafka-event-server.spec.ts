import { Kafka } from 'kafkajs';
import { TopicNames } from '@kinlink/contracts';
import { EventPublisher } from './event-publisher';
import { ConsumerState } from './health.controller';
import { backoff, KafkaEventServer } from './kafka-event-server';

/** A kafkajs consumer stand-in whose instrumentation events the test fires. */
function fakeKafka() {
  const handlers = new Map<string, (e: { payload: unknown }) => void>();
  const consumer = {
    events: { CONNECT: 'connect', GROUP_JOIN: 'join', REBALANCING: 'rebalancing', CRASH: 'crash' },
    on: (name: string, fn: (e: { payload: unknown }) => void) => handlers.set(name, fn),
    connect: jest.fn(async () => handlers.get('connect')?.({ payload: {} })),
    subscribe: jest.fn(async () => undefined),
    run: jest.fn(async () => undefined),
    disconnect: jest.fn(async () => undefined),
  };
  const kafka = { consumer: jest.fn(() => consumer) } as unknown as Kafka;
  const fire = (name: string, payload: unknown) => handlers.get(name)!({ payload });
  return { kafka, consumer, fire };
}

function server(kafka: Kafka) {
  return new KafkaEventServer({
    kafka, groupId: 'kinlink.test', topics: new TopicNames('kinlink'), subscribe: ['records'], publisher: {} as EventPublisher, maxRebalanceMs: 50,
  });
}

describe('KafkaEventServer consumer state (readiness, liveness)', () => {
  it('is ready once joined and stable; a long rebalance or a crash makes it unready', async () => {
    const { kafka, fire } = fakeKafka();
    const s = server(kafka);
    expect(s.isReady).toBe(false);
    await new Promise<void>((resolve, reject) => s.listen((e) => (e ? reject(e) : resolve())));
    expect(s.describe().phase).toBe('joining');
    expect(s.isReady).toBe(false);

    fire('join', { memberId: 'm1', memberAssignment: { 'kinlink.records': [2, 0] } });
    expect(s.isReady).toBe(true);
    expect(s.describe()).toMatchObject({ phase: 'stable', memberId: 'm1', assignment: { 'kinlink.records': [0, 2] }, joins: 1 });

    fire('rebalancing', {});
    expect(s.isReady).toBe(true); // a short rebalance is normal
    await new Promise((r) => setTimeout(r, 60));
    expect(s.isReady).toBe(false); // a long one is not

    fire('crash', { error: new Error('coordinator not available'), restart: true });
    expect(s.isReady).toBe(false);
    expect(s.isAlive).toBe(true);
    expect(s.describe()).toMatchObject({ phase: 'crashed', crashes: 1, restarting: true });
    fire('join', { memberId: 'm2', memberAssignment: {} });
    expect(s.isReady).toBe(true);
  });

  it('stops consuming first on shutdown (module destroy), once, and reports it', async () => {
    const { kafka, consumer, fire } = fakeKafka();
    const s = server(kafka);
    await new Promise<void>((resolve) => s.listen(() => resolve()));
    fire('join', { memberId: 'm1', memberAssignment: {} });
    const state = new ConsumerState();
    state.attach(s);
    expect(state.ready).toBe(true);
    await state.onModuleDestroy();
    await s.close();
    expect(consumer.disconnect).toHaveBeenCalledTimes(1);
    expect(state.ready).toBe(false);
    expect(s.describe().phase).toBe('stopped');
    fire('join', { memberId: 'm3', memberAssignment: {} }); // late events change nothing
    expect(s.describe().phase).toBe('stopped');
  });

  it('without a consumer (HTTP-only service) is ready and alive', () => {
    const state = new ConsumerState();
    expect([state.ready, state.alive, state.describe()]).toEqual([true, true, undefined]);
  });
});

describe('backoff', () => {
  it('grows exponentially with full jitter between half and all of the ceiling, capped', () => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const ceiling = Math.min(5_000, 200 * 2 ** (attempt - 1));
      for (let i = 0; i < 50; i++) {
        const ms = backoff(attempt, 200, 5_000);
        expect(ms).toBeGreaterThanOrEqual(ceiling / 2);
        expect(ms).toBeLessThanOrEqual(ceiling);
      }
    }
  });
});

import { TopicNames } from '@kinlink/contracts';
import { DeadLetter, matchesFilter, parseTopicFilter, replayRecord } from './dlt-replay';
import { parseFailpoints, failpointDelay } from './failpoints';
import { isTransientInfrastructureError } from './transient-errors';
import { DomainError } from '@kinlink/contracts';

const topics = new TopicNames('kinlink');
const letter = (over: Partial<DeadLetter> = {}): DeadLetter => ({
  partition: 1, offset: '42', key: 'k1', value: Buffer.from('{"x":1}'),
  headers: {
    'event-id': 'e1', 'correlation-id': 'c1', 'dlt-reason': 'retries_exhausted:unexpected_error', 'dlt-original-topic': 'kinlink.records',
    'dlt-original-partition': '2', 'dlt-original-offset': '7', 'dlt-failed-at': '2026-11-01T10:00:00.000Z', 'dlt-attempts': '5',
  },
  originalTopic: 'kinlink.records', reason: 'retries_exhausted:unexpected_error', failedAt: '2026-11-01T10:00:00.000Z',
  ...over,
});

describe('dead-letter replay filter', () => {
  it('names topics physically, logically or all', () => {
    expect(parseTopicFilter('all', topics)).toEqual([]);
    expect(parseTopicFilter('records', topics)).toEqual(['kinlink.records']);
    expect(parseTopicFilter('kinlink.intake,inbound.unhcr', topics)).toEqual(['kinlink.intake', 'kinlink.inbound.unhcr']);
    expect(() => parseTopicFilter('dead-letter', topics)).toThrow(/cannot be a replay target/);
    expect(() => parseTopicFilter(' ', topics)).toThrow();
  });

  it('matches by topic, time and reason (exact, behind retries_exhausted, or prefix*)', () => {
    expect(matchesFilter(letter(), { topics: [] })).toBe(true);
    expect(matchesFilter(letter(), { topics: ['kinlink.intake'] })).toBe(false);
    expect(matchesFilter(letter(), { topics: [], since: new Date('2026-11-01T10:00:00Z') })).toBe(true);
    expect(matchesFilter(letter(), { topics: [], since: new Date('2026-11-01T10:00:01Z') })).toBe(false);
    expect(matchesFilter(letter({ failedAt: undefined }), { topics: [], since: new Date(0) })).toBe(false);
    expect(matchesFilter(letter(), { topics: [], reason: 'unexpected_error' })).toBe(true);
    expect(matchesFilter(letter(), { topics: [], reason: 'retries_exhausted:unexpected_error' })).toBe(true);
    expect(matchesFilter(letter(), { topics: [], reason: 'unexpected*' })).toBe(true);
    expect(matchesFilter(letter(), { topics: [], reason: 'schema_invalid' })).toBe(false);
    expect(matchesFilter(letter({ originalTopic: undefined }), { topics: [] })).toBe(false);
  });

  it('leaves contract rejections alone unless asked for by reason or explicitly', () => {
    const refused = letter({ originalTopic: 'kinlink.inbound.unhcr', reason: 'schema_invalid' });
    expect(matchesFilter(refused, { topics: [] })).toBe(false);
    expect(matchesFilter(refused, { topics: [], reason: 'schema_invalid' })).toBe(true);
    expect(matchesFilter(refused, { topics: [], includeContractRejections: true })).toBe(true);
  });

  it('replays key, value and event headers, replacing the dead-letter headers by a reference', () => {
    const r = replayRecord(letter(), 'kinlink.dead-letter', new Date('2026-11-02T00:00:00Z'));
    expect(r).toMatchObject({ topic: 'kinlink.records', key: 'k1', value: Buffer.from('{"x":1}') });
    expect(r.headers).toEqual({
      'event-id': 'e1', 'correlation-id': 'c1', 'dlt-replay-of': 'kinlink.dead-letter:1:42',
      'dlt-replay-reason': 'retries_exhausted:unexpected_error', 'dlt-replayed-at': '2026-11-02T00:00:00.000Z',
    });
  });
});

describe('failpoints', () => {
  it('parse name=ms pairs and stay inert in production', () => {
    expect([...parseFailpoints('relay.before-publish=3000, consumer.after-effect=20,bad=x,neg=-1')]).toEqual([
      ['relay.before-publish', 3000], ['consumer.after-effect', 20],
    ]);
    expect(failpointDelay('relay.before-publish', { KINLINK_FAILPOINTS: 'relay.before-publish=5' })).toBe(5);
    expect(failpointDelay('relay.before-publish', { KINLINK_FAILPOINTS: 'relay.before-publish=5', NODE_ENV: 'production' })).toBe(0);
  });
});

describe('transient infrastructure errors', () => {
  class Refused extends DomainError<'refused'> {
    readonly code = 'refused' as const;
  }
  it('recognises a database or broker that is briefly away, not domain errors or bugs', () => {
    expect(isTransientInfrastructureError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isTransientInfrastructureError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientInfrastructureError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientInfrastructureError({ name: 'QueryFailedError', message: 'x', driverError: { code: '40001' } })).toBe(true);
    expect(isTransientInfrastructureError({ name: 'KafkaJSConnectionError', message: 'Connection error' })).toBe(true);
    expect(isTransientInfrastructureError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isTransientInfrastructureError(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isTransientInfrastructureError(new Refused('no'))).toBe(false);
  });
});

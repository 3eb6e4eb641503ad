import { inboxHorizon } from './inbox-retention';

const HOUR = 3_600_000;
const week = 7 * 24 * HOUR;
const topic = (name: string, retentionMs: number, cleanupPolicy = 'delete') => ({ topic: name, retentionMs, cleanupPolicy });

describe('inboxHorizon', () => {
  it('keeps rows longer than the longest topic retention, plus a day', () => {
    expect(inboxHorizon([topic('k.records', week), topic('k.inbound.unhcr', 2 * week)], HOUR)).toEqual({ prune: true, olderThanMs: 2 * week + 24 * HOUR });
  });

  it('never prunes sooner than the configured floor', () => {
    expect(inboxHorizon([topic('k.records', HOUR)], 30 * 24 * HOUR)).toEqual({ prune: true, olderThanMs: 30 * 24 * HOUR });
  });

  it('does not prune while a topic keeps messages forever', () => {
    expect(inboxHorizon([topic('k.records', week), topic('k.audit', -1)], HOUR)).toEqual({ prune: false, reason: expect.stringContaining('k.audit') });
    expect(inboxHorizon([topic('k.records', Number.NaN)], HOUR).prune).toBe(false);
  });

  it('does not prune while a topic is compacted, even with a retention', () => {
    expect(inboxHorizon([topic('k.records', week, 'compact,delete')], HOUR)).toEqual({ prune: false, reason: expect.stringContaining('compacted') });
  });

  it('does not prune when it found no topic to bound redelivery', () => {
    expect(inboxHorizon([], HOUR).prune).toBe(false);
  });
});

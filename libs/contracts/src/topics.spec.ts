import { AGENCY_INBOUND_RETENTION_MS, TopicNames, topicConfigOf } from './topics';

describe('topic settings', () => {
  it('gives agencies\' inbound topics (agency-written plaintext) a short retention, and no other topic any setting', () => {
    const t = new TopicNames('kinlink');
    expect(topicConfigOf(t, t.agencyInbound('unhcr'))).toEqual([{ name: 'retention.ms', value: String(AGENCY_INBOUND_RETENTION_MS) }]);
    expect(AGENCY_INBOUND_RETENTION_MS).toBe(7 * 24 * 3600 * 1000);
    expect(topicConfigOf(t, t.agencyOutbound('unhcr'))).toEqual([]);
    expect(topicConfigOf(t, t.internal('records'))).toEqual([]);
    expect(topicConfigOf(t, 'other.inbound.unhcr')).toEqual([]);
  });
});

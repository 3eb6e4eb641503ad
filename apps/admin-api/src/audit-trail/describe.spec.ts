import type { AuditLeaf } from '@kinlink/audit-log';
import { describeEntry } from './describe';

const base: AuditLeaf = {
  seq: 3, eventId: 'e-1', eventType: 'case.status-changed', occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:01.000Z',
  actor: { id: 'grace', role: 'supervisor', agencyId: 'unhcr' }, agencyId: 'unhcr', subjects: [{ type: 'case', id: 'c-1' }],
  fromState: 'verification_submitted', toState: 'verified', reasonCode: 'checks_complete', payloadHash: 'a'.repeat(64),
};

describe('audit entry description', () => {
  it('says what changed from what to what, who and why', () => {
    const d = describeEntry(3, base, 'b'.repeat(64));
    expect(d).toMatchObject({ index: 3, change: { from: 'verification_submitted', to: 'verified' }, who: { id: 'grace', role: 'supervisor', agencyId: 'unhcr' }, why: 'checks_complete' });
    expect(d.summary).toBe('case status changed, verification_submitted → verified, by grace (supervisor, unhcr), reason: checks_complete');
  });

  it('describes reads with their purpose and what was read', () => {
    const leaf: AuditLeaf = { ...base, eventType: 'record.read', fromState: undefined, toState: undefined, reasonCode: 'case-management', subjects: [{ type: 'child', id: 'ch-1' }] };
    const d = describeEntry(4, leaf, 'b'.repeat(64), { payload: { record: { type: 'child', id: 'ch-1' }, purpose: 'case-management', access: 'full' }, payloadVerified: true });
    expect(d.summary).toBe('child ch-1 read (full), by grace (supervisor, unhcr), purpose: case-management');
    expect(d.read).toMatchObject({ payloadVerified: true });
    expect(describeEntry(5, { ...base, actor: null, fromState: undefined, toState: undefined, reasonCode: undefined }, 'c'.repeat(64)).summary)
      .toBe('case status changed, by the system');
  });
});

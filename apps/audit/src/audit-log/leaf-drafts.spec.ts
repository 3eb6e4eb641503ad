import { encodeLeaf, hashPayload } from '@kinlink/audit-log';
import { KinlinkEvent, newEvent } from '@kinlink/contracts';
import { leafOfEvent } from './leaf-drafts';

const actor = { id: 'amal', role: 'coordinator' as const, agencyId: 'unhcr' };
const finish = (draft: ReturnType<typeof leafOfEvent>) => encodeLeaf({ ...draft, seq: 7, recordedAt: '2026-01-01T00:00:00.000Z' });

describe('leaf drafts', () => {
  it('keeps ids, states and reason of a case step, and only a hash of its payload', () => {
    const e = newEvent('case.status-changed', {
      correlationId: 'c-1', actor, subject: { type: 'case', id: 'case-1' },
      payload: { commandId: 'k', caseId: 'case-1', from: 'verified', to: 'closed', reasonCode: 'reunified_and_stable', note: 'Mohammed is fine', caseVersion: 8 },
    }) as KinlinkEvent;
    const leaf = leafOfEvent(e);
    expect(leaf).toMatchObject({ eventType: 'case.status-changed', fromState: 'verified', toState: 'closed', reasonCode: 'reunified_and_stable', actor, agencyId: 'unhcr' });
    expect(leaf.payloadHash).toBe(hashPayload(e.payload));
    expect(finish(leaf).toString()).not.toContain('Mohammed');
  });

  it('logs a re-score under the proposal and its two records, with its reason code', () => {
    const matching = { id: 'service:matching', role: 'system' as const, agencyId: 'kinlink' };
    const e = newEvent('match.rescored', {
      correlationId: 'c-2', actor: matching, subject: { type: 'proposal', id: 'p1' },
      related: [{ type: 'child', id: 'child-1' }, { type: 'tracing-request', id: 'tr-1' }],
      payload: { proposalId: 'p1', kind: 'child-sought', probability: 0.31, score: -1.1, previousProbability: 0.82, explanation: [], modelVersion: 'm', fingerprint: 'f', reason: 'rival_arrived', causedBy: 'child-9' },
    }) as KinlinkEvent;
    const leaf = leafOfEvent(e);
    expect(leaf).toMatchObject({ eventType: 'match.rescored', reasonCode: 'rival_arrived', actor: matching });
    expect(leaf.subjects).toEqual([{ type: 'proposal', id: 'p1' }, { type: 'child', id: 'child-1' }, { type: 'tracing-request', id: 'tr-1' }]);
    expect(leaf.toState).toBeUndefined();
  });

  it('logs a record read with who, why and which record', () => {
    const e = newEvent('record.read', {
      correlationId: 'r', actor, subject: { type: 'child', id: 'child-1' },
      payload: { record: { type: 'child', id: 'child-1', agencyId: 'unhcr' }, purpose: 'case-management', operation: 'GET /children/:id', access: 'full' },
    }) as KinlinkEvent;
    const leaf = leafOfEvent(e);
    expect(leaf).toMatchObject({ eventType: 'record.read', reasonCode: 'case-management', subjects: [{ type: 'child', id: 'child-1' }], actor });
    expect(leaf.payloadHash).toBe(hashPayload(e.payload));
    expect(() => finish(leaf)).not.toThrow();
  });

  it('logs a read of the audit log under the part read, not the subject looked at', () => {
    const e = newEvent('record.read', {
      correlationId: 'r', actor: { id: 'audrey', role: 'auditor', agencyId: 'kinlink' }, subject: { type: 'audit-log', id: 'subjects' },
      payload: { record: { type: 'audit-log', id: 'subjects' }, purpose: 'audit', operation: 'GET /audit/subjects/:id', query: { subject: 'child-1' } },
    }) as KinlinkEvent;
    const leaf = leafOfEvent(e);
    expect(leaf).toMatchObject({ eventType: 'audit-log.read', reasonCode: 'audit', subjects: [{ type: 'audit-log', id: 'subjects' }] });
    expect(finish(leaf).toString()).not.toContain('child-1');
  });
});

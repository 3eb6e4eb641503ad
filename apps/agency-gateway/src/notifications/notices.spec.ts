import { KinlinkEvent, newEvent } from '@kinlink/contracts';
import { noticeFor, notificationId, planNotices } from './notices';
import { isHeldFrom, protectionHoldOf, proposalIdOf } from './protection-hold';

const actor = { id: 'amal', role: 'coordinator' as const, agencyId: 'unhcr' };
const CHILD = '11111111-1111-4111-8111-111111111111';
const REQUEST = '22222222-2222-4222-8222-222222222222';
const owners = {
  [CHILD]: { agencyId: 'unhcr', agencyRecordId: 'UNHCR-KE-1', recordType: 'child' as const },
  [REQUEST]: { agencyId: 'icrc', agencyRecordId: 'ICRC-SO-9', recordType: 'tracing-request' as const },
};
const related = [{ type: 'child' as const, id: CHILD }, { type: 'tracing-request' as const, id: REQUEST }];

function noticesOf(e: KinlinkEvent) {
  const plan = planNotices(e)!;
  return plan.records.map((r) => noticeFor(plan, r, owners[r.recordId as keyof typeof owners])).filter(Boolean);
}

describe('outbound notices', () => {
  it('tells both owners of a proposal, keyed by their own record id, with ids and scores only', () => {
    const e = newEvent('match.proposed', {
      correlationId: 'corr-1', actor: { id: 'service:matching', role: 'system', agencyId: 'kinlink' }, subject: { type: 'proposal', id: 'p1' },
      payload: {
        proposalId: 'p1', kind: 'child-sought', left: { type: 'child', id: CHILD, agencyId: 'unhcr' },
        right: { type: 'sought-child', id: REQUEST, ref: 'c1', agencyId: 'icrc' }, probability: 0.93, score: 12,
        explanation: [{ field: 'name', left: 'Mohammed Abdi', right: 'Muhamad Cabdi', level: 'variant', weight: 5 }], modelVersion: 'm1', fingerprint: 'f',
      },
    });
    const n = noticesOf(e as KinlinkEvent);
    expect(n.map((x) => [x!.agencyId, x!.key])).toEqual([['unhcr', 'UNHCR-KE-1'], ['icrc', 'ICRC-SO-9']]);
    expect(n[1]!.notification).toMatchObject({
      type: 'match.proposed', schemaVersion: 1, agencyId: 'icrc', proposalId: 'p1', probability: 0.93, kind: 'child-sought',
      agencyRecordId: 'ICRC-SO-9', recordType: 'tracing-request', soughtChildRef: 'c1', correlationId: 'corr-1',
    });
    expect(JSON.stringify(n)).not.toMatch(/Mohammed|Cabdi|explanation|m1/);
  });

  it('sends a request for information to the asked agency, without the question', () => {
    const e = newEvent('proposal.decided', {
      correlationId: 'c', actor, subject: { type: 'proposal', id: 'p1' }, related,
      payload: {
        commandId: 'cmd', proposalId: 'p1', decision: 'request_information', status: 'info_requested', note: 'Is the mother called Amina?',
        notifyAgencyIds: ['icrc', 'unhcr'], informationRequestedFrom: ['icrc'],
      },
    });
    const n = noticesOf(e as KinlinkEvent);
    expect(n).toHaveLength(2);
    const icrc = n.find((x) => x!.agencyId === 'icrc')!.notification;
    expect(icrc).toMatchObject({ type: 'proposal.decided', decision: 'request_information', status: 'info_requested', informationRequested: true });
    expect(n.find((x) => x!.agencyId === 'unhcr')!.notification).not.toHaveProperty('informationRequested');
    expect(JSON.stringify(n)).not.toContain('Amina');
  });

  it('tells a superseded case to its owners with the reason and the case that superseded it, no details', () => {
    const e = newEvent('case.status-changed', {
      correlationId: 'c', actor: { id: 'service:cases', role: 'system', agencyId: 'kinlink' }, subject: { type: 'case', id: 'k2' }, related,
      payload: {
        commandId: 'supersede:k1', caseId: 'k2', from: 'verification_in_progress', to: 'superseded', reasonCode: 'reunited_elsewhere',
        details: { kind: 'supersede', supersededByCaseId: 'k1' }, caseVersion: 3, notifyAgencyIds: ['icrc', 'unhcr'],
      },
    });
    const [child] = noticesOf(e as KinlinkEvent);
    expect(child!.notification).toEqual({
      notificationId: notificationId(e.eventId, 'unhcr', CHILD), schemaVersion: 1, agencyId: 'unhcr', occurredAt: e.occurredAt, correlationId: 'c',
      type: 'case.status-changed', caseId: 'k2', from: 'verification_in_progress', to: 'superseded', reasonCode: 'reunited_elsewhere',
      caseVersion: 3, supersededByCaseId: 'k1', agencyRecordId: 'UNHCR-KE-1', recordType: 'child',
    });
  });

  it('leaves out what the step recorded (places, dates, notes) and agencies not to notify', () => {
    const e = newEvent('case.status-changed', {
      correlationId: 'c', actor, subject: { type: 'case', id: 'k1' }, related,
      payload: {
        commandId: 'x', caseId: 'k1', from: 'reunification_planned', to: 'reunified', note: 'met at Dadaab',
        details: { kind: 'record_reunification', date: '2026-11-20', place: 'Dadaab reception centre' }, caseVersion: 6, notifyAgencyIds: ['unhcr'],
      },
    });
    const n = noticesOf(e as KinlinkEvent);
    expect(n.map((x) => x!.agencyId)).toEqual(['unhcr']);
    expect(JSON.stringify(n)).not.toMatch(/Dadaab|2026-11-20|met at/);
  });

  it('has nothing to say about other events', () => {
    const e = newEvent('command.rejected', { correlationId: 'c', actor, subject: { type: 'case', id: 'k1' }, payload: { commandId: 'x', code: 'C', rule: 'r', httpStatus: 409 } });
    expect(planNotices(e as KinlinkEvent)).toBeNull();
  });

  it('tells agencies nothing of a re-score (a probability update, not a new proposal)', () => {
    const e = newEvent('match.rescored', {
      correlationId: 'c', actor, subject: { type: 'proposal', id: 'p1' },
      payload: { proposalId: 'p1', kind: 'child-sought', probability: 0.3, score: -1.2, previousProbability: 0.8, explanation: [], modelVersion: 'm', fingerprint: 'f', reason: 'rival_arrived', causedBy: 'c9' },
    });
    expect(planNotices(e as KinlinkEvent)).toBeNull();
  });

  it('derives a stable UUID per event, agency and record', () => {
    const id = notificationId('e1', 'unhcr', CHILD);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(notificationId('e1', 'unhcr', CHILD)).toBe(id);
    expect(notificationId('e1', 'icrc', CHILD)).not.toBe(id);
  });
});

describe('protection hold (safeguarding)', () => {
  const proposed = (level?: 'none' | 'elevated' | 'high') => newEvent('match.proposed', {
    correlationId: 'c', actor: { id: 'service:matching', role: 'system', agencyId: 'kinlink' }, subject: { type: 'proposal', id: 'p9' },
    payload: {
      proposalId: 'p9', kind: 'child-sought', left: { type: 'child', id: CHILD, agencyId: 'unhcr', ...(level ? { safeguardingLevel: level } : {}) },
      right: { type: 'sought-child', id: REQUEST, ref: 'c1', agencyId: 'icrc' }, probability: 0.9, score: 10, explanation: [], modelVersion: 'm1', fingerprint: 'f',
    },
  }) as KinlinkEvent;

  it('holds a proposal for a child at elevated or high safeguarding, for the child’s agency', () => {
    expect(protectionHoldOf(proposed('high'))).toEqual({ proposalId: 'p9', childAgencyId: 'unhcr', level: 'high' });
    expect(protectionHoldOf(proposed('elevated'))).toEqual({ proposalId: 'p9', childAgencyId: 'unhcr', level: 'elevated' });
    expect(protectionHoldOf(proposed('none'))).toBeNull();
    expect(protectionHoldOf(proposed())).toBeNull();
    expect(proposalIdOf(proposed('high'))).toBe('p9');
  });

  it('holds notices from every agency but the child’s and the inter-agency body, and from an owner not known yet', () => {
    expect(isHeldFrom('unhcr', 'icrc')).toBe(true);
    expect(isHeldFrom('unhcr', undefined)).toBe(true);
    expect(isHeldFrom('unhcr', 'unhcr')).toBe(false);
    expect(isHeldFrom('unhcr', 'kinlink')).toBe(false);
  });

  it('puts ids, statuses and scores in a notice, never the safeguarding level or a location', () => {
    const n = noticesOf(proposed('high'));
    expect(JSON.stringify(n)).not.toMatch(/safeguarding|high|location|care/i);
  });
});

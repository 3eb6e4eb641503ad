import type { AuditLeaf } from '@kinlink/audit-log';

const LABEL: Record<string, string> = {
  'child.registered': 'child registered',
  'child.updated': 'child record updated',
  'child.closed': 'child record closed',
  'tracing-request.filed': 'tracing request filed',
  'tracing-request.updated': 'tracing request updated',
  'tracing-request.closed': 'tracing request closed',
  'match.proposed': 'match proposed',
  'match.withdrawn': 'match withdrawn',
  'match.rescored': 'match re-scored',
  'proposal.decision-requested': 'decision requested',
  'proposal.decided': 'proposal decided',
  'proposal.superseded': 'proposal superseded',
  'case.transition-requested': 'case step requested',
  'case.opened': 'case opened',
  'case.status-changed': 'case status changed',
  'command.rejected': 'command refused',
  'agency-event.rejected': 'agency event rejected',
  'event.dead-lettered': 'event dead-lettered',
  'record.read': 'record read',
  'audit-log.read': 'audit log read',
};

export interface ReadPayload {
  record?: { type: string; id: string; agencyId?: string };
  purpose?: string;
  operation?: string;
  query?: Record<string, unknown>;
  access?: string;
}

/** One audit entry as an auditor reads it: what changed from what to what, who, why. */
export function describeEntry(seq: number, leaf: AuditLeaf, leafHash: string, read?: { payload: ReadPayload; payloadVerified: boolean }) {
  const who = leaf.actor
    ? { id: leaf.actor.id, role: leaf.actor.role ?? null, agencyId: leaf.actor.agencyId ?? null }
    : null;
  const whoText = who ? `${who.id}${who.role || who.agencyId ? ` (${[who.role, who.agencyId].filter(Boolean).join(', ')})` : ''}` : 'the system';
  const change = leaf.fromState !== undefined || leaf.toState !== undefined ? { from: leaf.fromState ?? null, to: leaf.toState ?? null } : null;
  let what = LABEL[leaf.eventType] ?? leaf.eventType;
  if (read?.payload.record) {
    const r = read.payload.record;
    what = r.type === 'audit-log' ? `audit log read (${r.id}${read.payload.operation ? `, ${read.payload.operation}` : ''})` : `${r.type} ${r.id} read${read.payload.access ? ` (${read.payload.access})` : ''}`;
  }
  const parts = [what];
  if (change) parts.push(`${change.from ?? '∅'} → ${change.to ?? '∅'}`);
  const isRead = leaf.eventType === 'record.read' || leaf.eventType === 'audit-log.read';
  parts.push(`by ${whoText}`);
  if (leaf.reasonCode) parts.push(isRead ? `purpose: ${leaf.reasonCode}` : `reason: ${leaf.reasonCode}`);
  return {
    seq,
    index: seq,
    eventId: leaf.eventId,
    eventType: leaf.eventType,
    occurredAt: leaf.occurredAt,
    recordedAt: leaf.recordedAt,
    actor: leaf.actor,
    agencyId: leaf.agencyId ?? null,
    subjects: leaf.subjects,
    fromState: leaf.fromState,
    toState: leaf.toState,
    reasonCode: leaf.reasonCode,
    correlationId: leaf.correlationId,
    payloadHash: leaf.payloadHash,
    leafHash,
    change,
    who,
    why: leaf.reasonCode ?? null,
    ...(read ? { read: { ...read.payload, payloadVerified: read.payloadVerified } } : {}),
    summary: parts.join(', '),
  };
}

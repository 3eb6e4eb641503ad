import { KinlinkEvent, newEvent, Subject, systemActor } from '@kinlink/contracts';
import type { CaseOpened, CaseTransitioned, ProposalDecided, ProposalSide, ProtectionReview, RuleViolation } from '../domain';

/**
 * Maps the domain's facts to the published contract. Case events name their child and tracing request;
 * decisions and case events carry the agencies to notify (the gateway sends them to their outbound topics).
 */
export function proposalDecidedEvent(e: ProposalDecided, cause: KinlinkEvent, sides: ProposalSide[]): KinlinkEvent {
  return newEvent('proposal.decided', {
    correlationId: cause.correlationId, causationId: cause.eventId, actor: e.actor,
    subject: { type: 'proposal', id: e.proposalId },
    related: sides.map(subjectOfSide),
    payload: {
      commandId: e.commandId ?? `system:${e.eventId}`, proposalId: e.proposalId, decision: e.decision as never, status: e.to,
      reasonCode: e.reasonCode ?? undefined, note: e.note ?? undefined, caseId: e.caseId ?? undefined, fingerprint: e.fingerprint,
      notifyAgencyIds: e.notifyAgencyIds,
      ...(e.informationRequestedFrom.length ? { informationRequestedFrom: e.informationRequestedFrom } : {}),
    },
  }) as KinlinkEvent;
}

export function caseOpenedEvent(e: CaseOpened, cause: KinlinkEvent): KinlinkEvent {
  return newEvent('case.opened', {
    correlationId: cause.correlationId, causationId: cause.eventId, actor: e.actor,
    subject: { type: 'case', id: e.caseId },
    related: caseSubjects(e),
    payload: {
      commandId: e.commandId ?? '', caseId: e.caseId, proposalId: e.proposalId ?? '', childId: e.childId, tracingRequestId: e.tracingRequestId,
      soughtChildRef: e.soughtChildRef ?? undefined, childAgencyId: e.childAgencyId, requestAgencyId: e.requestAgencyId, status: e.status,
      notifyAgencyIds: e.notifyAgencyIds,
    },
  }) as KinlinkEvent;
}

export function caseStatusChangedEvent(e: CaseTransitioned, cause: KinlinkEvent): KinlinkEvent {
  return newEvent('case.status-changed', {
    correlationId: cause.correlationId, causationId: cause.eventId, actor: e.actor,
    subject: { type: 'case', id: e.caseId },
    related: caseSubjects(e),
    payload: {
      commandId: e.commandId ?? '', caseId: e.caseId, from: e.from, to: e.to, reasonCode: e.reasonCode ?? undefined,
      note: e.note ?? undefined, details: e.details as unknown as Record<string, unknown>, caseVersion: e.caseVersion,
      notifyAgencyIds: e.notifyAgencyIds,
    },
  }) as KinlinkEvent;
}

export function commandRejectedEvent(commandId: string, error: RuleViolation, cause: KinlinkEvent): KinlinkEvent {
  return newEvent('command.rejected', {
    correlationId: cause.correlationId, causationId: cause.eventId, actor: cause.actor,
    subject: cause.subject,
    payload: { commandId, code: error.code, rule: error.rule, httpStatus: error.httpStatus },
  }) as KinlinkEvent;
}

function caseSubjects(e: { childId: string; tracingRequestId: string; proposalId: string | null }): Subject[] {
  const s: Subject[] = [{ type: 'child', id: e.childId }, { type: 'tracing-request', id: e.tracingRequestId }];
  if (e.proposalId) s.push({ type: 'proposal', id: e.proposalId });
  return s;
}

export function subjectOfSide(s: ProposalSide): Subject {
  return s.type === 'child' ? { type: 'child', id: s.id } : { type: 'tracing-request', id: s.id };
}

export function protectionChangedEvent(proposalId: string, review: ProtectionReview, cause: KinlinkEvent, commandId?: string): KinlinkEvent {
  return newEvent('proposal.protection-changed', {
    correlationId: cause.correlationId, causationId: cause.eventId, actor: review.status === 'released' ? cause.actor : systemActor('cases'),
    subject: { type: 'proposal', id: proposalId },
    payload: {
      proposalId, status: review.status === 'released' ? 'released' : 'pending', level: review.level === 'high' ? 'high' : 'elevated',
      childAgencyId: review.childAgencyId ?? '', ...(commandId ? { commandId } : {}),
    },
  }) as KinlinkEvent;
}

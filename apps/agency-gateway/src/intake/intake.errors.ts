import { AgencyEventRejection, DomainError, RejectionReason } from '@kinlink/contracts';

/** An agency event refused by the contract; its code is the machine-readable rejection reason. */
export class AgencyEventRefused extends DomainError<RejectionReason> {
  readonly code: RejectionReason;
  constructor(readonly rejection: AgencyEventRejection) {
    super(rejection.detail, { eventId: rejection.eventId, agencyId: rejection.agencyId });
    this.code = rejection.reason;
  }
}

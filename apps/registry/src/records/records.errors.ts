import { DomainError } from '@kinlink/contracts';

export type RecordsErrorCode = 'record_not_found' | 'record_closed';

/** An agency event that is valid by the contract but does not fit the record's state. Not retryable. */
export class RecordsError extends DomainError<RecordsErrorCode> {
  constructor(readonly code: RecordsErrorCode, message: string) {
    super(message);
  }
}

import { DomainError } from '@kinlink/contracts';

export type ApiErrorCode = 'not_found' | 'invalid_request' | 'command_rejected' | 'forbidden';

/** Errors the admin API raises itself; `httpStatus` comes from the one map in problem-details.filter. */
export class ApiError extends DomainError<ApiErrorCode> {
  constructor(readonly code: ApiErrorCode, message: string, details?: Record<string, unknown>, readonly statusOverride?: number) {
    super(message, details);
  }
}

/** A missing object and a forbidden one answer the same, so ids cannot be probed. */
export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);

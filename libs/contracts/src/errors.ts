/**
 * Base of every named domain error. Each module defines its own codes; the edges (HTTP filter,
 * Kafka consumer) map them once to a status or to ack / retry / dead-letter.
 */
export abstract class DomainError<Code extends string = string> extends Error {
  abstract readonly code: Code;
  /** true when the same input may succeed later (e.g. a dependency not yet there) */
  readonly retryable: boolean = false;
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** What a consumer does with a message whose handling failed. */
export type FailureDisposition = 'retry' | 'dead-letter';

export function dispositionOf(error: unknown): FailureDisposition {
  if (error instanceof DomainError) return error.retryable ? 'retry' : 'dead-letter';
  // Unknown errors (database down, broker hiccup) are assumed transient: retried with backoff, then parked.
  return 'retry';
}

import { DomainError } from '@kinlink/contracts';

/**
 * Errors that say "a dependency is briefly unavailable" (the database restarting, a connection
 * dropped, the broker away, a serialization conflict) rather than "this message cannot be
 * handled". The consumer holds the message and retries it for as long as the condition lasts,
 * instead of spending its bounded retries on it and parking it: with the database down, every
 * message would otherwise end up on the dead-letter topic.
 */
const PG_TRANSIENT_CODES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, in recovery)
  '58000', // system_error
  '58030', // io_error
]);
const NODE_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTCONN']);
const MESSAGES = [
  /connection terminated/i,
  /terminating connection/i,
  /timeout exceeded when trying to connect/i,
  /client has encountered a connection error/i,
  /connection is not established/i,
  /database system is (starting up|shutting down|in recovery)/i,
  /server closed the connection unexpectedly/i,
  /driver not connected/i,
];

export function isTransientInfrastructureError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  if (error instanceof DomainError) return false; // classified by its own `retryable`
  const e = error as { code?: unknown; name?: unknown; message?: unknown; retriable?: unknown; driverError?: unknown; cause?: unknown; originalError?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code && (PG_TRANSIENT_CODES.has(code) || code.startsWith('08') || NODE_NETWORK_CODES.has(code))) return true;
  const name = typeof e.name === 'string' ? e.name : '';
  if (name.startsWith('KafkaJS') && (e.retriable === true || /Connection|Timeout|NumberOfRetriesExceeded/.test(name))) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  if (MESSAGES.some((re) => re.test(message))) return true;
  return [e.driverError, e.cause, e.originalError].some((inner) => inner !== error && isTransientInfrastructureError(inner, depth + 1));
}

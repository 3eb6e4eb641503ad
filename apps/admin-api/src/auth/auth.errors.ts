import { HttpException } from '@nestjs/common';
import { DomainError } from '@kinlink/contracts';

/** Why a request was not authenticated (401), not allowed (403) or could not be checked (503). */
export type AuthErrorCode =
  | 'token_missing'
  | 'token_invalid'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'token_wrong_issuer'
  | 'token_wrong_audience'
  | 'token_claims_invalid'
  | 'role_forbidden'
  | 'auth_unavailable';

/** RFC 9457 problem details, as every admin-api error body. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
}

export const PROBLEM_TYPE_BASE = 'urn:kinlink:problem:';

interface CodeInfo {
  status: 401 | 403 | 503;
  title: string;
  /** fixed, client-safe text: never the token, never a library message */
  detail: string;
}

const CODES: Record<AuthErrorCode, CodeInfo> = {
  token_missing: { status: 401, title: 'Unauthorized', detail: 'A bearer token is required (Authorization: Bearer <token>).' },
  token_invalid: { status: 401, title: 'Unauthorized', detail: 'The bearer token is malformed, uses an algorithm that is not accepted, or its signature does not verify.' },
  token_expired: { status: 401, title: 'Unauthorized', detail: 'The bearer token has expired.' },
  token_not_yet_valid: { status: 401, title: 'Unauthorized', detail: 'The bearer token is not valid yet.' },
  token_wrong_issuer: { status: 401, title: 'Unauthorized', detail: 'The bearer token was not issued by the expected issuer.' },
  token_wrong_audience: { status: 401, title: 'Unauthorized', detail: 'The bearer token is not meant for this API.' },
  token_claims_invalid: { status: 401, title: 'Unauthorized', detail: 'The bearer token lacks a required claim or has an invalid one (sub, role, agency, agencies, exp).' },
  role_forbidden: { status: 403, title: 'Forbidden', detail: 'Your role may not perform this operation.' },
  auth_unavailable: { status: 503, title: 'Service Unavailable', detail: 'The token could not be checked right now; retry later.' },
};

/**
 * A refused authentication or authorisation. `message` is for logs (may name the failed check);
 * clients only ever see the fixed `problem` text.
 */
export class AuthError extends DomainError<AuthErrorCode> {
  constructor(
    readonly code: AuthErrorCode,
    message: string = CODES[code].detail,
  ) {
    super(message);
  }

  get status(): number {
    return CODES[this.code].status;
  }
}

export function problemFor(code: AuthErrorCode): ProblemDetails {
  const info = CODES[code];
  return { type: `${PROBLEM_TYPE_BASE}${code}`, title: info.title, status: info.status, detail: info.detail, code };
}

/** RFC 6750 §3 challenge for a 401 (no `error` attribute when no credentials were sent). */
export function wwwAuthenticateFor(code: AuthErrorCode, realm: string): string {
  if (code === 'token_missing') return `Bearer realm="${realm}"`;
  return `Bearer realm="${realm}", error="invalid_token", error_description="${code}"`;
}

/**
 * The HTTP form of an `AuthError`: body = problem details, plus the headers to send
 * (`WWW-Authenticate` on 401). The guard also sets the headers on the response itself, so the
 * default Nest exception filter or a problem-details filter that keeps headers both work.
 */
export class AuthProblemException extends HttpException {
  readonly problem: ProblemDetails;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: AuthErrorCode, realm: string) {
    const problem = problemFor(code);
    super(problem, problem.status);
    this.problem = problem;
    this.headers = problem.status === 401 ? { 'WWW-Authenticate': wwwAuthenticateFor(code, realm) } : {};
  }
}

import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '@kinlink/contracts';
import { ApiError, ApiErrorCode } from './api.errors';

/** The one map from the API's error codes to HTTP statuses. */
const STATUS_OF: Record<ApiErrorCode, number> = {
  not_found: 404,
  invalid_request: 400,
  command_rejected: 409,
  forbidden: 403,
};

/**
 * Every error leaves as RFC 9457 problem details `{ type, title, status, detail, code }`;
 * never a stack trace, never a field value.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const problem = this.toProblem(exception);
    if (problem.status >= 500) this.logger.error(`unhandled error: ${(exception as Error)?.stack ?? exception}`);
    res.status(problem.status).type('application/problem+json').json(problem);
  }

  private toProblem(e: unknown): { type: string; title: string; status: number; detail: string; code: string } & Record<string, unknown> {
    if (e instanceof ApiError) {
      const status = e.statusOverride ?? STATUS_OF[e.code];
      return { type: `urn:kinlink:error:${e.code}`, title: titleOf(status), status, detail: e.message, code: e.code, ...(e.details ?? {}) };
    }
    if (e instanceof HttpException) {
      const status = e.getStatus();
      const body = e.getResponse();
      if (typeof body === 'object' && body && 'type' in body && 'code' in body) return { status, ...(body as Record<string, unknown>) } as never;
      const message = typeof body === 'object' && body && 'message' in body ? (body as { message: unknown }).message : e.message;
      const code = status === 429 ? 'rate_limited' : status === 413 ? 'payload_too_large' : status === 400 ? 'invalid_request' : `http_${status}`;
      return { type: `urn:kinlink:error:${code}`, title: titleOf(status), status, detail: Array.isArray(message) ? message.join('; ') : String(message), code };
    }
    if (e instanceof DomainError) {
      return { type: `urn:kinlink:error:${e.code}`, title: titleOf(422), status: 422, detail: e.message, code: e.code };
    }
    if ((e as { type?: string })?.type === 'entity.too.large') {
      return { type: 'urn:kinlink:error:payload_too_large', title: titleOf(413), status: 413, detail: 'request body too large', code: 'payload_too_large' };
    }
    return { type: 'urn:kinlink:error:internal', title: titleOf(500), status: 500, detail: 'internal error', code: 'internal' };
  }
}

function titleOf(status: number): string {
  return ({ 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error' } as Record<number, string>)[status] ?? 'Error';
}

import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUTH_SETTINGS, AuthSettings } from './auth.config';
import { IS_PUBLIC_KEY, REQUEST_USER, ROLES_KEY } from './auth.decorators';
import { AuthError, AuthErrorCode, AuthProblemException } from './auth.errors';
import { AuthUser, Role } from './auth-user';
import { TokenVerifier } from './token-verifier';

interface HttpRequestLike {
  headers: Record<string, string | string[] | undefined>;
  [REQUEST_USER]?: AuthUser;
}
interface HttpResponseLike {
  setHeader?(name: string, value: string): unknown;
  header?(name: string, value: string): unknown;
  headersSent?: boolean;
}

const BEARER = /^Bearer[ ]+([A-Za-z0-9\-_.~+/]+=*)[ ]*$/i;

/**
 * Global guard (register as `APP_GUARD`): every HTTP route needs a valid bearer token unless it is
 * `@Public()`; `@Roles(...)` then limits the roles. Puts the `AuthUser` on `request.user`.
 * Refusals: 401 + `WWW-Authenticate: Bearer …` or 403, body = problem details with a `code`.
 *
 * Non-HTTP contexts (Kafka handlers of a hybrid app) are not its business: their callers are
 * authenticated by the broker (agency principals and ACLs), so it lets them through.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    @Inject(AUTH_SETTINGS) private readonly settings: Pick<AuthSettings, 'realm'>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequestLike>();
    const response = http.getResponse<HttpResponseLike>();

    let user: AuthUser;
    try {
      user = await this.verifier.verify(bearerToken(request.headers.authorization));
    } catch (error) {
      const code: AuthErrorCode = error instanceof AuthError ? error.code : 'token_invalid';
      throw this.refuse(response, code);
    }
    request[REQUEST_USER] = user;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(user.role)) throw this.refuse(response, 'role_forbidden');
    return true;
  }

  private refuse(response: HttpResponseLike, code: AuthErrorCode): AuthProblemException {
    const exception = new AuthProblemException(code, this.settings.realm);
    if (!response.headersSent) {
      const headers = { ...exception.headers, 'Content-Type': 'application/problem+json; charset=utf-8' };
      for (const [name, value] of Object.entries(headers)) {
        if (typeof response.setHeader === 'function') response.setHeader(name, value);
        else response.header?.(name, value);
      }
    }
    return exception;
  }
}

/** The token of an `Authorization: Bearer <token>` header; anything else is refused. */
export function bearerToken(header: string | string[] | undefined): string {
  if (header === undefined || header === '' || (Array.isArray(header) && header.length === 0)) {
    throw new AuthError('token_missing', 'no Authorization header');
  }
  const value = Array.isArray(header) ? header[0] : header;
  const match = BEARER.exec(value);
  if (!match) throw new AuthError(/^Bearer\b/i.test(value) ? 'token_invalid' : 'token_missing', 'Authorization is not a bearer token');
  return match[1];
}

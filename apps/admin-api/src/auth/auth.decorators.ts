import { createParamDecorator, CustomDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { AuthUser, Role } from './auth-user';

/**
 * Metadata keys. `isPublic` is the NestJS docs' name, so a library controller (e.g. the shared
 * health controller) can be opened with `SetMetadata('isPublic', true)` without importing this app,
 * or from the app with `Public()(HealthController)`.
 */
export const IS_PUBLIC_KEY = 'isPublic';
export const ROLES_KEY = 'kinlink:roles';

/** The route (or every route of the controller) needs no token: health, docs. */
export const Public = (): CustomDecorator<string> => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * Only these roles may call the route (handler-level overrides controller-level). Without it any
 * authenticated role may call. A refused role gets 403 `role_forbidden`; object-level refusals
 * (other agency's record) are the handler's job and answer 404.
 */
export const Roles = (...roles: [Role, ...Role[]]): CustomDecorator<string> => SetMetadata(ROLES_KEY, roles);

/** The request's authenticated user (set by `AuthGuard`). */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthUser => userOf(ctx.switchToHttp().getRequest()));

/** Where the guard puts the user on the request. */
export const REQUEST_USER = 'user';

export function userOf(request: unknown): AuthUser {
  const user = (request as Record<string, unknown> | undefined)?.[REQUEST_USER] as AuthUser | undefined;
  if (!user) {
    // a @Public() route asking for the user, or the guard not installed: a programming error
    throw new Error('No authenticated user on this request (is the route @Public() or AuthGuard not installed?)');
  }
  return user;
}

import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { REQUEST_USER } from '../auth';
import type { AuthUser } from '../auth';

/**
 * Rate limit per caller: the authenticated user (the auth guard runs first and puts it on the
 * request), else the client address. Behind a proxy every user would otherwise share one address.
 */
@Injectable()
export class CallerThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const user = req[REQUEST_USER] as AuthUser | undefined;
    return user ? `user:${user.agencyId}:${user.id}` : `ip:${String(req.ip ?? 'unknown')}`;
  }
}

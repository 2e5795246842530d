import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { RECENT_AUTH_KEY, RecentAuthGuard, type RecentAuthRequirement } from '../guards/recent-auth.guard';

/**
 * Step-up for a route: the sign-in (or the last `POST /auth/reauthenticate`) must be at most `maxAgeSeconds` old
 * (default: the `recentAuthSeconds` option, 900) and, with `secondFactor: true`, have used the second factor when
 * the user has one; else 401 `reauthentication_required`. Put it above the route's `@UseGuards(AccessTokenGuard)`
 * (or rely on the global guard): it runs after the access-token check.
 *
 * @example
 * ```ts
 * @RequireRecentAuth({ maxAgeSeconds: 300, secondFactor: true })
 * @Post('payouts/bank-account')
 * changeBankAccount() { ... }
 * ```
 */
export const RequireRecentAuth = (requirement: RecentAuthRequirement = {}): MethodDecorator & ClassDecorator => {
  const { maxAgeSeconds } = requirement;
  if (maxAgeSeconds !== undefined && !(Number.isSafeInteger(maxAgeSeconds) && maxAgeSeconds > 0)) {
    throw new TypeError('nestjs-authkit: @RequireRecentAuth: maxAgeSeconds must be a positive whole number of seconds');
  }
  return applyDecorators(SetMetadata(RECENT_AUTH_KEY, { ...requirement }), UseGuards(RecentAuthGuard));
};

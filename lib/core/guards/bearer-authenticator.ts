import type { ExecutionContext } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth.types';

/**
 * Another kind of bearer credential than the access JWT (an API key...), contributed by a feature: the kernel's
 * extension point of `AccessTokenGuard`. The guard asks `recognises` of every bearer credential (a cheap check of
 * its form, such as a prefix an access token can never have) and hands the ones it recognises to `authenticate`
 * instead of verifying them as JWTs. Credentials are only ever read from the `Authorization` header.
 *
 * @example
 * ```ts
 * { provide: BEARER_AUTHENTICATOR, useExisting: ApiKeyAuthenticator }
 * ```
 */
export interface BearerAuthenticator {
  /** Whether `credential` is of this kind (synchronous, no I/O). */
  recognises(credential: string): boolean;
  /**
   * The principal for `credential` on this route; throws an `AuthError` (refused: not accepted on this route,
   * unknown, revoked...) or `StoreUnavailableError`.
   */
  authenticate(credential: string, context: ExecutionContext): Promise<AuthenticatedUser>;
}

/** Injection token of the module's `BearerAuthenticator` (at most one; none by default). */
export const BEARER_AUTHENTICATOR = Symbol('authkit:bearer-authenticator');

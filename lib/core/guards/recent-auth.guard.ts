import { type CanActivate, type ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessTokenMissingError, ReauthenticationRequiredError } from '../errors/auth.errors';
import { ACCOUNT_OPTIONS, type ResolvedAccountOptions } from '../options/account.options';
import { SECOND_FACTORS, type SecondFactors } from '../sessions/second-factors';
import { AuthGuardBase } from './auth-guard.base';
import { HandlerMetadataCache } from './handler-metadata.cache';

/** What `@RequireRecentAuth(...)` asks of a route. */
export interface RecentAuthRequirement {
  /** How old the sign-in (or the last `POST /auth/reauthenticate`) may be. Default: the `recentAuthSeconds` option (900). */
  maxAgeSeconds?: number;
  /** A user who has a second factor must have used it (`amr` holds `mfa`): at sign-in or by a step-up with a code. */
  secondFactor?: boolean;
}

/** Metadata key of `@RequireRecentAuth`. */
export const RECENT_AUTH_KEY = 'authkit:recent-auth';

/**
 * Enforces `@RequireRecentAuth(...)`: 401 `reauthentication_required` when the access token's `auth_time` is older
 * than allowed (or missing), or, with `secondFactor`, when its `amr` lacks `mfa` for a user with a second factor.
 * Runs after `AccessTokenGuard` (401 without a user). The answer to it is `POST /auth/reauthenticate`.
 */
@Injectable()
export class RecentAuthGuard extends AuthGuardBase implements CanActivate {
  private readonly requirements = new HandlerMetadataCache(
    (context) => this.reflector.getAllAndOverride<RecentAuthRequirement | undefined>(RECENT_AUTH_KEY, [context.getHandler(), context.getClass()]),
  );

  constructor(
    protected readonly reflector: Reflector,
    @Inject(ACCOUNT_OPTIONS) private readonly options: Pick<ResolvedAccountOptions, 'recentAuthSeconds'>,
    @Optional() @Inject(SECOND_FACTORS) private readonly secondFactors?: SecondFactors | null,
  ) {
    super();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.requirements.get(context);
    if (!required) return true;
    const user = this.getRequest(context).user;
    if (!user) this.handleError(context, new AccessTokenMissingError());
    const maxAgeMs = (required.maxAgeSeconds ?? this.options.recentAuthSeconds) * 1000;
    if (user.authTime === undefined || Date.now() - user.authTime > maxAgeMs) {
      this.handleError(context, new ReauthenticationRequiredError('Confirm it is you (POST /auth/reauthenticate), then retry'));
    }
    if (required.secondFactor && !user.amr?.includes('mfa') && this.secondFactors && (await this.secondFactors.summary(user.id))?.enrolled === true) {
      this.handleError(context, new ReauthenticationRequiredError('Confirm it is you with your second factor (POST /auth/reauthenticate), then retry'));
    }
    return true;
  }
}

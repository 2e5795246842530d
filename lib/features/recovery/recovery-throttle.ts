import { Inject, Injectable } from '@nestjs/common';
import { TooManyRequestsError, ValidationFailedError } from '../../core/errors/auth.errors';
import type { ClientInfo } from '../../core/auth.types';
import { AuthEvent } from '../../core/events/auth-event.names';
import { AuthEvents } from '../../core/events/auth-events.emitter';
import { clientIpKey } from '../../core/throttling/client-ip';
import { RouteThrottle } from '../../core/ports/route-throttle.interface';
import { type ResolvedRouteLimits, ROUTE_LIMITS } from '../../core/throttling/throttle.options';
import { throttleRoute } from '../../core/throttling/throttled-route';
import { parseEmail } from '../../core/users/email';

/**
 * The throttled routes of account recovery: the action their `Throttled` event names, and what their second
 * counter (after the ip) is keyed by: the email of a "mail me a link" request, or the user id a presented
 * token names (reset, verify).
 */
const ROUTES = {
  passwordForgot: { action: 'password_forgot', by: 'email' },
  emailVerification: { action: 'email_verification', by: 'email' },
  passwordReset: { action: 'password_reset', by: 'user' },
  emailVerify: { action: 'email_verify', by: 'user' },
} as const;

/** A recovery route that `RecoveryThrottle` charges. */
export type RecoveryRoute = keyof typeof ROUTES;

/** Charges a recovery request to its route's ip and email (or user) counters, and emits `Throttled` when one is full. */
@Injectable()
export class RecoveryThrottle {
  constructor(
    @Inject(RouteThrottle) private readonly routeThrottle: RouteThrottle,
    @Inject(ROUTE_LIMITS) private readonly routeLimits: ResolvedRouteLimits,
    private readonly events: AuthEvents,
  ) {}

  /**
   * Every request counts, whether or not the email (or user) has an account; `TooManyRequestsError` when full.
   * `subject` is the normalised email, or the user id for `passwordReset` / `emailVerify` (`undefined`: a token
   * that names nobody, charged to the ip alone).
   */
  async charge(route: RecoveryRoute, subject: string | undefined, client: ClientInfo): Promise<void> {
    const { action, by } = ROUTES[route];
    const ip = client.ip === undefined ? undefined : clientIpKey(client.ip);
    // Typed per route by ROUTES (a union of routes only shares the `ip` counter in `throttleRoute`'s type).
    const subjects: Record<string, string | undefined> = { ip, [by]: subject };
    try {
      await throttleRoute(this.routeThrottle, this.routeLimits, route, subjects);
    } catch (error) {
      if (error instanceof TooManyRequestsError) {
        this.events.emit(AuthEvent.Throttled, {
          action, retryAfterSeconds: error.retryAfterSeconds, ip: client.ip, userAgent: client.userAgent,
          ...(by === 'email' ? { email: subject } : { userId: subject }),
        });
      }
      throw error;
    }
  }
}

/** A normalised email from a request body, or 400. */
export function checkEmail(raw: unknown): string {
  const email = parseEmail(raw);
  if (email === null) throw new ValidationFailedError(['email must be an email']);
  return email;
}

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

/** The throttled "mail me a link" routes of account recovery, and the action their `Throttled` event names. */
const ACTIONS = { passwordForgot: 'password_forgot', emailVerification: 'email_verification' } as const;

/** Charges a recovery request to its route's ip and email counters, and emits `Throttled` when one is full. */
@Injectable()
export class RecoveryThrottle {
  constructor(
    @Inject(RouteThrottle) private readonly routeThrottle: RouteThrottle,
    @Inject(ROUTE_LIMITS) private readonly routeLimits: ResolvedRouteLimits,
    private readonly events: AuthEvents,
  ) {}

  /** Every request counts, whether or not the email has an account; `TooManyRequestsError` when full. */
  async charge(route: keyof typeof ACTIONS, email: string, client: ClientInfo): Promise<void> {
    try {
      await throttleRoute(this.routeThrottle, this.routeLimits, route, { ip: client.ip === undefined ? undefined : clientIpKey(client.ip), email });
    } catch (error) {
      if (error instanceof TooManyRequestsError) {
        this.events.emit(AuthEvent.Throttled, {
          action: ACTIONS[route], retryAfterSeconds: error.retryAfterSeconds, email, ip: client.ip, userAgent: client.userAgent,
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

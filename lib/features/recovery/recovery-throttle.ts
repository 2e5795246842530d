import { Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../../core/errors/auth.errors';
import type { ClientInfo } from '../../core/auth.types';
import { clientIpKey } from '../../core/throttling/client-ip';
import { RouteLimiter } from '../../core/throttling/route-limiter';
import { parseEmail } from '../../core/users/email';

/**
 * The throttled routes of account recovery, and what their second counter (after the ip) is keyed by: the email
 * of a "mail me a link" request, or the user id a presented token names (reset, verify).
 */
const BY = { passwordForgot: 'email', emailVerification: 'email', passwordReset: 'user', emailVerify: 'user' } as const;

/** A recovery route that `RecoveryThrottle` charges. */
export type RecoveryRoute = keyof typeof BY;

/** Charges a recovery request to its route's ip and email (or user) counters, on the kernel's one throttle-and-emit path (`RouteLimiter`). */
@Injectable()
export class RecoveryThrottle {
  constructor(private readonly limiter: RouteLimiter) {}

  /**
   * Every request counts, whether or not the email (or user) has an account; `TooManyRequestsError` when full
   * (`Throttled` emitted). `subject` is the normalised email, or the user id for `passwordReset` / `emailVerify`
   * (`undefined`: a token that names nobody, charged to the ip alone).
   */
  async charge(route: RecoveryRoute, subject: string | undefined, client: ClientInfo): Promise<void> {
    const ip = client.ip === undefined ? undefined : clientIpKey(client.ip);
    // Typed per route by BY (a union of routes only shares the `ip` counter in `RouteLimiter.charge`'s type).
    const subjects: Record<string, string | undefined> = { ip, [BY[route]]: subject };
    await this.limiter.charge(route, subjects as { ip?: string }, client);
  }
}

/** A normalised email from a request body, or 400. */
export function checkEmail(raw: unknown): string {
  const email = parseEmail(raw);
  if (email === null) throw new ValidationFailedError(['email must be an email']);
  return email;
}

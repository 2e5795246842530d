import { InvalidCredentialsError, TooManyAttemptsError } from '../errors/auth.errors';
import type { LoginAttempt, LoginOutcome, LoginThrottler } from '../ports/login-throttler.interface';

/**
 * Runs a password check under the throttler: refused with `TooManyAttemptsError` (before any hashing)
 * while blocked; an `InvalidCredentialsError` counts as a failure, a result as a success, any other
 * error (bad input, store down) leaves the counters as they were.
 *
 * After a success the settlement is issued but not awaited: its commands leave in the same pipelined batch
 * as what the caller does next (creating the session), so a successful login costs the throttle one round
 * trip before the password check and none of its own after it.
 */
export async function throttledLogin<T>(throttler: LoginThrottler, attempt: LoginAttempt, check: () => Promise<T>): Promise<T> {
  const verdict = await throttler.begin(attempt);
  if (!verdict.allowed) throw new TooManyAttemptsError(verdict.retryAfterMs);
  let result: T;
  try {
    result = await check();
  } catch (error) {
    const outcome: LoginOutcome = error instanceof InvalidCredentialsError ? 'failure' : 'aborted';
    await throttler.end(verdict.ticket, outcome).catch(() => undefined);
    throw error;
  }
  void throttler.end(verdict.ticket, 'success').catch(() => undefined);
  return result;
}

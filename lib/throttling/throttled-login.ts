import { InvalidCredentialsError, TooManyAttemptsError } from '../auth.errors';
import type { LoginAttempt, LoginOutcome, LoginThrottler } from './login-throttler.interface';

/**
 * Runs a password check under the throttler: refused with `TooManyAttemptsError` (before any hashing)
 * while blocked; an `InvalidCredentialsError` counts as a failure, a result as a success, any other
 * error (bad input, store down, disabled account) leaves the counters as they were.
 */
export async function throttledLogin<T>(throttler: LoginThrottler, attempt: LoginAttempt, check: () => Promise<T>): Promise<T> {
  const verdict = await throttler.begin(attempt);
  if (!verdict.allowed) throw new TooManyAttemptsError(verdict.retryAfterMs);
  let outcome: LoginOutcome = 'aborted';
  try {
    const result = await check();
    outcome = 'success';
    return result;
  } catch (error) {
    if (error instanceof InvalidCredentialsError) outcome = 'failure';
    throw error;
  } finally {
    await throttler.end(verdict.ticket, outcome).catch(() => undefined);
  }
}

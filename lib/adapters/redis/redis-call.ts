import { StoreUnavailableError } from '../../core/errors/auth.errors';
import { storeFailure } from '../../core/errors/store-failure';
import { budgeted } from '../../core/http/request-budget';

/**
 * Runs a Redis operation; any failure (down, timeout, reply error) becomes `StoreUnavailableError`, and a write
 * refused for memory `StoreFullError` (503 `store_full`, see `storeFailure`). Fails closed. Within an HTTP request,
 * the request's store budget applies (`budgeted`): once it is spent, the call fails at once.
 */
export async function redisCall<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await budgeted(operation);
  } catch (cause) {
    throw storeFailure(cause);
  }
}

/**
 * True when `error` (or the cause of a `StoreUnavailableError`) is a client-side command timeout: the command
 * may still reach Redis and run later (e.g. once a `CLIENT PAUSE` ends), unlike a refused connection.
 */
export function isCommandTimeout(error: unknown): boolean {
  const cause = error instanceof StoreUnavailableError ? error.cause : error;
  return cause instanceof Error && cause.message === 'Command timed out';
}

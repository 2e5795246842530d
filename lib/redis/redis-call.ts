import { StoreUnavailableError } from '../auth.errors';

/** Runs a Redis operation; any failure (down, timeout, reply error) becomes `StoreUnavailableError`. Fails closed. */
export async function redisCall<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (cause) {
    throw new StoreUnavailableError({ cause });
  }
}

import { Logger } from '@nestjs/common';
import { StoreFullError, StoreUnavailableError } from './auth.errors';

const logger = new Logger('AuthKit');
/** At most one "store full" log line per this many milliseconds (a full Redis refuses every write). */
const FULL_LOG_INTERVAL_MS = 10_000;
let lastFullLogAt = -Infinity;

/** True for Redis's refusal of a write at `maxmemory` (`OOM command not allowed when used memory > 'maxmemory'`). */
export function isOutOfMemoryReply(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // A MULTI refused for memory fails as EXECABORT, the OOM reply among its `previousErrors` (ioredis).
  const previous = (error as { previousErrors?: unknown }).previousErrors;
  return error.message.startsWith('OOM ') || (Array.isArray(previous) && previous.some((e) => e instanceof Error && e.message.startsWith('OOM ')));
}

/**
 * The error a store failure answers with: `StoreFullError` (503 `store_full`, and a log line at most every 10 s
 * that says what to do) when the store refused a write for memory, `StoreUnavailableError` otherwise.
 */
export function storeFailure(cause: unknown): StoreUnavailableError {
  if (!isOutOfMemoryReply(cause)) return new StoreUnavailableError({ cause });
  const now = Date.now();
  if (now - lastFullLogAt >= FULL_LOG_INTERVAL_MS) {
    lastFullLogAt = now;
    logger.error(
      'Redis is full: it refuses writes (OOM at maxmemory, policy noeviction). Requests that write answer 503 store_full ' +
        'until memory is freed or maxmemory is raised.',
    );
  }
  return new StoreFullError({ cause });
}

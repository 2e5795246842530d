/** Waits `ms` milliseconds. For letting a TTL or window pass, never for asserting how long something took. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export { ManualClock } from '../../lib/testing/manual-clock';

/**
 * Polls `check` every 100 ms until it resolves true; throws after `timeoutMs`, naming `what` and the last error
 * `check` threw (a check that throws counts as not yet).
 */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      last = String(error);
    }
    await sleep(100);
  }
  throw new Error(`${what} not healthy within ${timeoutMs} ms ${last}`);
}

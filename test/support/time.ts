/** Waits `ms` milliseconds. For letting a TTL or window pass, never for asserting how long something took. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export { ManualClock } from '../../lib/testing/manual-clock';

/** Waits `ms` milliseconds. For letting a TTL or window pass, never for asserting how long something took. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A clock that moves only when told: pass `clock.now` to a store (`now: () => number`) and call `advance(ms)`
 * where a test would otherwise sleep. Starts at the real time, so Redis TTLs set from it are sensible.
 */
export class ManualClock {
  private current = Date.now();

  /** The clock's time in epoch ms; a bound function, safe to pass around. */
  readonly now = (): number => this.current;

  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * A clock that moves only when told: pass `clock.now` to a store (`now: () => number`) and call `advance(ms)`
 * where a test would otherwise sleep. Starts at the real time, so Redis TTLs set from it are sensible.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const store = new MemorySessionStore(settings, clock.now);
 * clock.advance(settings.idleTtlMs + 1); // the session is now idle-expired
 * ```
 */
export class ManualClock {
  private current = Date.now();

  /** The clock's time in epoch ms; a bound function, safe to pass around. */
  readonly now = (): number => this.current;

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.current += ms;
  }
}

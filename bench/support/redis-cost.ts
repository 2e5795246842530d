import type { Redis } from 'ioredis';

/** What one operation costs in Redis, measured Redis-side. */
export interface RedisCost {
  operation: string;
  samples: number;
  /** Commands the app sent per operation (a script call counts once), from MONITOR. */
  commandsPerOp: number;
  /** Commands executed per operation including those inside scripts (INFO commandstats delta). */
  executedPerOp: number;
  /** Round trips per operation: reads of client input (INFO stats total_reads_processed delta). */
  roundTripsPerOp: number;
  /** Of those, round trips that carried only login-throttling commands (keys `{tl:...}`; Better Auth's rate limit), from MONITOR. */
  throttlingRoundTripsPerOp: number;
  /** Commands sent that are not login throttling's: an upper bound on the round trips besides throttling. */
  otherCommandsPerOp: number;
  /** Commands the app sent, by name, per operation: `{ evalsha: 1, hgetall: 1 }`. */
  commandBreakdown: Record<string, number>;
  /** One operation's commands in order (keys by role), `+` within a round trip, `|` between round trips. */
  sequence: string;
}

interface Snapshot {
  calls: number;
  reads: number;
}

interface Observed {
  timeMicros: number;
  /** `lua` for commands a script ran. */
  source: string;
  name: string;
  text: string;
  throttling: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Better Auth's rate-limit keys (`<prefix><ip>|<path>`): its sign-in throttling. */
const BETTER_AUTH_RATE_LIMIT = /^better-auth:[^|]*\|\//;

/** Keys in the library's layout, and Better Auth's (`better-auth:` prefix), with ids replaced by their role. */
function describeKey(key: string | undefined): string {
  if (!key) return '';
  if (key.startsWith('better-auth:')) {
    if (BETTER_AUTH_RATE_LIMIT.test(key)) return 'ba:rate-limit';
    if (key.startsWith('better-auth:active-sessions-')) return 'ba:active-sessions';
    if (key.startsWith('better-auth:revoked-sessions-before-')) return 'ba:revoked-before';
    return 'ba:session';
  }
  return key
    .replace(/^[^{]*\{tl:([^:}]+):[^}]*\}.*$/, 'throttle($1)')
    .replace(/^[^{]*\{[^}]*\}:mfa:c:[0-9a-f]+$/, 'mfa-challenge')
    .replace(/^[^{]*\{[^}]*\}:mfa:rc$/, 'mfa-recovery-codes')
    .replace(/^[^{]*\{[^}]*\}:mfa:f$/, 'mfa-failures')
    .replace(/^[^{]*\{[^}]*\}:mfa$/, 'mfa-factors')
    .replace(/^[^{]*\{rt:([^:}]+):[^}]*\}.*$/, 'route-throttle($1)')
    .replace(/^[^{]*\{[^}]*\}:pk$/, 'passkeys')
    .replace(/^[^:{]*:pk:ch:.*$/, 'passkey-challenge')
    .replace(/^[^{]*\{[^}]*\}:s$/, 'sessions')
    .replace(/^[^{]*\{[^}]*\}:user$/, 'user')
    .replace(/^[^:]*:email:.*$/, 'email');
}

function observe(time: string, args: string[], source: string): Observed {
  const name = args[0].toLowerCase();
  const key = name === 'evalsha' || name === 'eval' ? args[3] : args[1];
  const [seconds, micros] = time.split('.');
  return {
    timeMicros: Number(seconds) * 1e6 + Number(micros),
    source,
    name,
    text: `${name.toUpperCase()} ${describeKey(key)}`.trim(),
    throttling: /\{tl:/.test(key ?? '') || BETTER_AUTH_RATE_LIMIT.test(key ?? ''),
  };
}

/**
 * Counts what an operation costs in Redis: runs it one at a time (so auto-pipelining cannot merge it with
 * other requests), once unmeasured to warm up, then `samples` times between two `INFO stats commandstats`
 * snapshots, while MONITOR records which commands they were. Nothing else may use Redis meanwhile:
 * `start()` waits until the server is idle.
 */
export class RedisCostMeter {
  private baselineReads = 0;
  private observed: Observed[] = [];
  private monitor?: Redis;

  constructor(private readonly redis: Redis) {}

  async start(): Promise<void> {
    await this.quiesce();
    const monitor = await this.redis.monitor();
    monitor.on('monitor', (time: string, args: string[], source: string) => {
      if (args.length && args[0].toLowerCase() !== 'info') this.observed.push(observe(time, args, source));
    });
    this.monitor = monitor;
    // What an empty measurement sees: the closing INFO's own read.
    const deltas = [];
    for (let i = 0; i < 3; i++) {
      const a = await this.snapshot();
      const b = await this.snapshot();
      deltas.push(b.reads - a.reads);
    }
    this.baselineReads = Math.min(...deltas);
  }

  stop(): void {
    this.monitor?.disconnect();
  }

  /** `prepare(n)` makes what `n` runs need (not measured); the first context is the warm-up. */
  async measure<T>(operation: string, samples: number, prepare: (count: number) => Promise<T[]>, run: (context: T) => Promise<void>): Promise<RedisCost> {
    const [warmup, ...contexts] = await prepare(samples + 1);
    await run(warmup);
    await this.quiesce();
    await sleep(50); // MONITOR delivers asynchronously
    this.observed = [];
    const before = await this.snapshot();
    const perOp: Observed[][] = [];
    for (const context of contexts) {
      const mark = this.observed.length;
      await run(context);
      await sleep(20);
      perOp.push(this.observed.slice(mark));
    }
    const after = await this.snapshot();
    await sleep(50);
    const sent = perOp.flat().filter((c) => c.source !== 'lua');
    const breakdown: Record<string, number> = {};
    for (const command of sent) breakdown[command.name] = (breakdown[command.name] ?? 0) + 1 / samples;
    const trips = perOp.map((seen) => this.roundTrips(seen));
    const roundTripsPerOp = (after.reads - before.reads - this.baselineReads) / samples;
    const seenTrips = trips.reduce((n, t) => n + t.length, 0) / samples;
    if (seenTrips !== roundTripsPerOp) {
      process.stderr.write(`[bench] note: ${operation}: MONITOR grouping saw ${seenTrips} round trips/op, Redis counted ${roundTripsPerOp}\n`);
    }
    return {
      operation,
      samples,
      commandsPerOp: sent.length / samples,
      executedPerOp: (after.calls - before.calls - 1) / samples,
      roundTripsPerOp,
      throttlingRoundTripsPerOp: trips.reduce((n, t) => n + t.filter((trip) => trip.every((c) => c.throttling)).length, 0) / samples,
      otherCommandsPerOp: sent.filter((c) => !c.throttling).length / samples,
      commandBreakdown: breakdown,
      sequence: (trips[trips.length - 1] ?? []).map((trip) => trip.map((c) => c.text).join(' + ')).join(' | '),
    };
  }

  /**
   * Groups one operation's commands into round trips, for display and to tell throttling apart (the count
   * itself is Redis's). Commands of one read run back to back; a gap of over 100 us between two commands
   * (a reply went to Node and a new request came back) ends a round trip. MONITOR shows a script's own
   * commands before the script call itself, so they open the trip the script call belongs to.
   */
  private roundTrips(seen: Observed[]): Observed[][] {
    const trips: Observed[][] = [];
    let last: Observed | undefined;
    let boundary = true;
    for (const command of seen) {
      if (last && command.timeMicros - last.timeMicros > 100) boundary = true;
      last = command;
      if (command.source === 'lua') continue;
      if (boundary || !trips.length) trips.push([]);
      boundary = false;
      trips[trips.length - 1].push(command);
    }
    return trips;
  }

  /** Waits until Redis executes nothing but these probes (in-flight work of a load row has drained). */
  private async quiesce(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let previous = await this.snapshot();
    let quietPolls = 0;
    while (quietPolls < 3) {
      if (Date.now() > deadline) throw new Error('Redis did not go idle within 30 s');
      await sleep(100);
      const current = await this.snapshot();
      quietPolls = current.calls - previous.calls <= 1 ? quietPolls + 1 : 0;
      previous = current;
    }
  }

  private async snapshot(): Promise<Snapshot> {
    const text = String(await this.redis.call('INFO', 'stats', 'commandstats'));
    let calls = 0;
    for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls += Number(match[2]);
    const reads = Number(/^total_reads_processed:(\d+)/m.exec(text)?.[1] ?? NaN);
    return { calls, reads };
  }
}

import type { Redis } from 'ioredis';

/** What one operation costs in Redis, measured Redis-side. */
export interface RedisCost {
  operation: string;
  samples: number;
  /** Commands executed per operation (INFO commandstats delta). */
  commandsPerOp: number;
  /** Round trips per operation: reads of client input (INFO stats total_reads_processed delta). */
  roundTripsPerOp: number;
  /** Of those, round trips that carried only login-throttling commands (keys `{tl:...}`), from MONITOR. */
  throttlingRoundTripsPerOp: number;
  /** Per-command counts per operation, e.g. `{ evalsha: 1, hgetall: 1 }`. */
  commandBreakdown: Record<string, number>;
  /** The commands of one operation in order, keys normalised, grouped by round trip: `EVALSHA s | HGETALL user`. */
  sequence: string;
}

interface Snapshot {
  calls: Map<string, number>;
  reads: number;
}

interface Observed {
  timeMicros: number;
  source: string;
  text: string;
  throttling: boolean;
}

/** Keys in the library's layout, with ids replaced by their role. */
function describeKey(key: string | undefined): string {
  if (!key) return '';
  return key
    .replace(/^[^{]*\{tl:([^:}]+):[^}]*\}/, 'throttle($1)')
    .replace(/^[^{]*\{[^}]*\}:s:.*$/, 'session')
    .replace(/^[^{]*\{[^}]*\}:sessions$/, 'session-index')
    .replace(/^[^{]*\{[^}]*\}:user$/, 'user')
    .replace(/^[^:]*:email:.*$/, 'email');
}

function describe(args: string[]): { text: string; throttling: boolean } {
  const name = args[0].toUpperCase();
  const key = name === 'EVALSHA' || name === 'EVAL' ? args[3] : args[1];
  return { text: `${name} ${describeKey(key)}`.trim(), throttling: /\{tl:/.test(key ?? '') };
}

/**
 * Counts what an operation costs in Redis: runs it `samples` times one at a time (so round trips are not
 * merged with other requests' by auto-pipelining), between two `INFO stats commandstats` snapshots.
 * MONITOR records the commands themselves to show which they are.
 */
export class RedisCostMeter {
  private baselineReads = 0;
  private observed: Observed[] = [];
  private monitor?: { disconnect(): void; on(event: 'monitor', listener: (time: string, args: string[], source: string) => void): unknown };

  constructor(private readonly redis: Redis) {}

  async start(): Promise<void> {
    const monitor = await this.redis.monitor();
    monitor.on('monitor', (time: string, args: string[], source: string) => {
      if (!args.length || args[0].toLowerCase() === 'info') return;
      const [seconds, micros] = time.split('.');
      this.observed.push({ timeMicros: Number(seconds) * 1e6 + Number(micros), source, ...describe(args) });
    });
    this.monitor = monitor;
    // Calibrate: the reads an empty measurement sees (the closing INFO itself).
    const a = await this.snapshot();
    const b = await this.snapshot();
    this.baselineReads = b.reads - a.reads;
  }

  stop(): void {
    this.monitor?.disconnect();
  }

  async measure<T>(operation: string, prepare: () => Promise<T[]>, run: (context: T) => Promise<void>): Promise<RedisCost> {
    const contexts = await prepare();
    await new Promise((resolve) => setTimeout(resolve, 50)); // let MONITOR deliver what preparation did
    this.observed = [];
    const before = await this.snapshot();
    const perOp: Observed[][] = [];
    for (const context of contexts) {
      const mark = this.observed.length;
      await run(context);
      await new Promise((resolve) => setTimeout(resolve, 20));
      perOp.push(this.observed.slice(mark));
    }
    const after = await this.snapshot();
    const samples = contexts.length;
    const breakdown: Record<string, number> = {};
    let commands = 0;
    for (const [name, calls] of after.calls) {
      const delta = calls - (before.calls.get(name) ?? 0);
      if (name === 'info' || delta === 0) continue;
      breakdown[name] = delta / samples;
      commands += delta;
    }
    const groups = perOp.map((seen) => this.roundTrips(seen));
    return {
      operation,
      samples,
      commandsPerOp: commands / samples,
      roundTripsPerOp: (after.reads - before.reads - this.baselineReads) / samples,
      throttlingRoundTripsPerOp: groups.reduce((n, g) => n + g.filter((trip) => trip.every((c) => c.throttling)).length, 0) / samples,
      commandBreakdown: breakdown,
      sequence: (groups[groups.length - 1] ?? []).map((trip) => trip.map((c) => c.text).join(' + ')).join(' | '),
    };
  }

  /**
   * Groups one operation's commands into round trips: commands of one read run back to back, so a gap
   * of more than 100 us from the same client (a reply had to reach Node and come back) starts a new trip.
   * Only used to tell throttling trips apart and to display the sequence; the count itself is Redis's.
   */
  private roundTrips(seen: Observed[]): Observed[][] {
    const trips: Observed[][] = [];
    let last: Observed | undefined;
    for (const command of seen) {
      if (!last || command.source !== last.source || command.timeMicros - last.timeMicros > 100) trips.push([]);
      trips[trips.length - 1].push(command);
      last = command;
    }
    return trips;
  }

  private async snapshot(): Promise<Snapshot> {
    const text = String(await this.redis.call('INFO', 'stats', 'commandstats'));
    const calls = new Map<string, number>();
    for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1], Number(match[2]));
    const reads = Number(/^total_reads_processed:(\d+)/m.exec(text)?.[1] ?? NaN);
    return { calls, reads };
  }
}

/** Command-line options of `npm run bench`. */
export interface BenchOptions {
  /** A ~2 s run that exercises every row and check (for CI); results go to bench/.tmp/, not bench/RESULTS.md. */
  smoke: boolean;
  /** Measured seconds per row. */
  durationSeconds: number;
  /** Unmeasured seconds per row before it (JIT, connection pools, Redis script cache). */
  warmupSeconds: number;
  /** Rows 1-6 are measured in this many interleaved rounds of durationSeconds / rounds each. */
  rounds: number;
  connections: number;
  /** Sessions created for the memory measurement (two points, to show linearity). */
  memorySessions: [number, number];
  /** A third memory point for the default scenario (IPv4, browser user agent, 1 session per user); none in a smoke run. */
  memoryLargeSessions: number | null;
  /**
   * Sessions for Better Auth's memory points: each is made through its own API over HTTP (hundreds per second, not
   * tens of thousands), so fewer; bytes per session are constant from a few thousand on (see the linearity figures).
   */
  betterAuthMemorySessions: [number, number];
  /** `--only mfa`: the MFA rows alone (1m, 2m, 8, 8v, their Redis costs and targets), into bench/.tmp/mfa/. */
  only?: 'mfa';
  /**
   * `--rows 1,2,2k`: measure only these rows of rows 1-6 (with their ceilings), print their table and stop (no row 7,
   * no costs, no memory, no files written): a trial of a few rows on a shared machine. `null`: every row.
   */
  rows: string[] | null;
}

const USAGE = `usage: npm run bench -- [--smoke] [--duration <s>] [--warmup <s>] [--connections <n>] [--only mfa]
  --smoke           ~2 s of load in total, every row and check once (CI); writes bench/.tmp/ only
  --duration <s>    measured seconds per row (default 20)
  --warmup <s>      warm-up seconds before each row (default 2)
  --rounds <n>      rounds the measured seconds of rows 1-6 are split into (default 20)
  --connections <n> concurrent connections (default 50)
  --only mfa        the MFA rows only (1, 2, 1m, 2m, 8, 8v, their Redis costs and targets); writes bench/.tmp/mfa/ only
  --rows <ids>      only these rows of rows 1-6 (comma-separated, e.g. 1,2,2k; their ceilings join), printed, nothing written
Environment: BENCH_SMOKE=1 is the same as --smoke; REDIS_SERVER_BIN names the redis-server binary, REDIS_CLI_BIN redis-cli.`;

function positive(name: string, raw: string | undefined): number {
  const value = Number(raw);
  if (!raw || !Number.isFinite(value) || value <= 0) throw new Error(`${name} needs a positive number\n${USAGE}`);
  return value;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const smoke = argv.includes('--smoke') || env.BENCH_SMOKE === '1';
  const options: BenchOptions = smoke
    ? { smoke, durationSeconds: 0.2, warmupSeconds: 0.05, rounds: 1, connections: 10, memorySessions: [500, 2_000], memoryLargeSessions: null, betterAuthMemorySessions: [500, 2_000], rows: null }
    : { smoke, durationSeconds: 20, warmupSeconds: 2, rounds: 20, connections: 50, memorySessions: [10_000, 100_000], memoryLargeSessions: 1_000_000, betterAuthMemorySessions: [2_000, 10_000], rows: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--smoke') continue;
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const [flag, inline] = arg.split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--duration') options.durationSeconds = positive(flag, value());
    else if (flag === '--warmup') options.warmupSeconds = positive(flag, value());
    else if (flag === '--connections') options.connections = Math.round(positive(flag, value()));
    else if (flag === '--rows') options.rows = (value() ?? '').split(',').map((id) => id.trim()).filter(Boolean);
    else if (flag === '--rounds') options.rounds = Math.round(positive(flag, value()));
    else if (flag === '--only') {
      const only = value();
      if (only !== 'mfa') throw new Error(`--only takes mfa, not ${only}\n${USAGE}`);
      options.only = only;
    }
    else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return options;
}

import { fixed, whole } from './format';
import type { LoadResult } from './load';
import type { MemoryResult } from './memory';
import type { RedisCost } from './redis-cost';
import { ratioBetween } from './stats';
import { variantSections } from './variant-report';

export interface Row extends LoadResult {
  id: string;
  route: string;
  /** Requests/s of each measured whole slice (row 1: every slice between the others). */
  slicesRequestsPerSecond: number[];
  /** Requests/s of each quarter slice of the back-to-back pairs (rows 3 and 4, and their reference rows). */
  quarterSlicesRequestsPerSecond?: number[];
  /** The row its slices were measured between (`ceiling` of the route); absent for the open routes. */
  ceiling?: string;
  /** Per round: req/s over the mean of the `ceiling` row's slices just before and after. */
  roundRatios: number[];
  /** Rows measured in back-to-back alternations with their `ceiling`: every alternation's ratio. */
  pairRatios?: number[];
  /** Median over rounds of the ratio to the open route (through `ceiling` when that is not an open route). */
  ratioToOpen: number;
}

export interface Machine {
  cpuModel: string;
  cores: number;
  node: string;
  redis: string;
  os: string;
}

export interface Target {
  name: string;
  /**
   * `count`: exact (Redis commands, status codes), judged by the smoke run too; `goal`: exact as well, but judged
   * by full runs only (a target the library does not meet yet: the smoke must pass meanwhile); `timing`:
   * throughput/latency; `scale`: needs full-size data.
   */
  kind: 'count' | 'goal' | 'timing' | 'scale';
  measured: string;
  met: boolean;
}

export interface BenchResults {
  date: string;
  smoke: boolean;
  machine: Machine;
  settings: { connections: number; durationSeconds: number; warmupSeconds: number; rounds: number };
  rows: Row[];
  loginLoad: {
    background: { ratePerSecond: number; connections: number };
    loginConnections: number;
    idle: LoadResult;
    duringLogins: LoadResult;
    /** The same with as many concurrent logins as the other rows' connections. */
    overload: { loginConnections: number; login: LoadResult; duringLogins: LoadResult };
  };
  redisCost: RedisCost[];
  memory: MemoryResult[];
  /** Better Auth's Redis bytes per session on the same data (bench/support/better-auth.ts). */
  betterAuthMemory: MemoryResult[];
  targets: Target[];
}

const perOp = (value: number) => String(Number(value.toFixed(2)));

function describeFailures(row: Row): string {
  const parts = Object.entries(row.statusCodes).filter(([code]) => !code.startsWith('2')).map(([code, n]) => `${n}x ${code}`);
  if (row.errors) parts.push(`${row.errors} connection errors`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export function loadTable(rows: Row[]): string {
  const lines = [
    '| # | Route | Req/s | p50 ms | p99 ms | non-2xx | x open |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const failures = row.non2xx + row.errors;
    lines.push(
      `| ${row.id} | ${row.route} | ${whole(row.requestsPerSecond)} | ${fixed(row.latencyP50Ms, 1)} | ${fixed(row.latencyP99Ms, 1)} | ` +
        `${failures}${describeFailures(row)} | ${fixed(row.ratioToOpen, 2)} |`,
    );
  }
  return lines.join('\n');
}

export function costTable(costs: RedisCost[]): string {
  const lines = [
    '| Operation | Commands sent | Round trips | of which throttling | Executed (incl. inside scripts) | Sent, by name | Sequence (`+` same round trip, `\\|` next) |',
    '|---|---:|---:|---:|---:|---|---|',
  ];
  for (const cost of costs) {
    const byName = Object.entries(cost.commandBreakdown).map(([name, n]) => `${name} ${perOp(n)}`).join(', ') || 'none';
    lines.push(
      `| ${cost.operation} | ${perOp(cost.commandsPerOp)} | ${perOp(cost.roundTripsPerOp)} | ${perOp(cost.throttlingRoundTripsPerOp)} | ` +
        `${perOp(cost.executedPerOp)} | ${byName} | ${cost.sequence.replace(/\|/g, '\\|') || '-'} |`,
    );
  }
  return lines.join('\n');
}

export function memoryTable(results: MemoryResult[]): string {
  const lines = [
    '| User agent header | `sessionUserAgent` (stored) | Client ip | Sessions per user | Sessions | Users (keys) | Redis bytes | Bytes/session |',
    '|---|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const result of results) {
    const agent = result.userAgent ? `browser (${result.userAgent.length} chars)` : 'none';
    const stored = result.storedUserAgent === null ? 'nothing' : result.storedUserAgent.length > 40 ? `${result.storedUserAgent.length} chars` : `"${result.storedUserAgent}"`;
    const ipv = result.ip.includes(':') ? `IPv6 (${result.ip.length} chars)` : `IPv4 (${result.ip.length} chars)`;
    const mode = `${result.userAgentMode === 'summary' ? "'summary' (default)" : `'${result.userAgentMode}'`}: ${stored}`;
    for (const point of result.points) {
      lines.push(`| ${agent} | ${mode} | ${ipv} | ${result.sessionsPerUser} | ${whole(point.sessions)} | ${whole(point.users)} | ${whole(point.bytes)} | ${fixed(point.bytesPerSession, 0)} |`);
    }
    lines.push(
      `| ${agent} | ${mode} | ${ipv} | ${result.sessionsPerUser} | marginal (between the points) | | | ${fixed(result.marginalBytesPerSession, 0)} (spread ${fixed((result.spread - 1) * 100, 1)}%) |`,
    );
  }
  return lines.join('\n');
}

/** The full run's 1,000,000-session point of the default scenario: how long its sessions took to make. */
function largePointSentence(results: MemoryResult[]): string {
  const withLarge = results.find((r) => r.points.length > 2);
  if (!withLarge) return '';
  const large = withLarge.points[withLarge.points.length - 1];
  const made = large.sessions - withLarge.points[withLarge.points.length - 2].sessions;
  return (
    `\nThe default scenario (browser user agent, IPv4, 1 session per user) also has a point at ${whole(large.sessions)} sessions: ` +
    `the ${whole(made)} sessions added for it were made and rotated through \`RedisSessionStore\` (concurrent calls in batches, ` +
    `pipelined by ioredis) in ${fixed(large.createSeconds ?? NaN, 1)} s; its "marginal" row is between its first and last points, and ` +
    'its spread covers all three points and that marginal figure.'
  );
}

/** Better Auth's bytes per session. */
export function betterAuthMemoryTable(results: MemoryResult[]): string {
  const lines = ['| Better Auth | Sessions per user | Sessions | Users | Redis bytes | Bytes/session |', '|---|---:|---:|---:|---:|---:|'];
  for (const result of results) {
    const what = `user agent ${result.userAgent ? `${result.userAgent.length} chars` : 'none'}, ${result.ip.includes(':') ? 'IPv6' : 'IPv4'}`;
    for (const point of result.points) {
      lines.push(`| ${what} | ${result.sessionsPerUser} | ${whole(point.sessions)} | ${whole(point.users)} | ${whole(point.bytes)} | ${fixed(point.bytesPerSession, 0)} |`);
    }
    lines.push(`| ${what} | ${result.sessionsPerUser} | marginal | | | ${fixed(result.marginalBytesPerSession, 0)} (spread ${fixed((result.spread - 1) * 100, 1)}%) |`);
  }
  return lines.join('\n');
}

/** The side-by-side summary: the library's figure, Better Auth's, and the first over the second. */
export function sideBySideTable(results: BenchResults): string {
  const row = (id: string) => results.rows.find((r) => r.id === id);
  const cost = (name: string) => results.redisCost.find((c) => c.operation.startsWith(name));
  const lines = ['| | nestjs-authkit | Better Auth | authkit / Better Auth |', '|---|---:|---:|---:|'];
  const load = (what: string, ours: string, theirs: string) => {
    const [a, b] = [row(ours), row(theirs)];
    if (!a || !b) return;
    lines.push(`| ${what} (req/s; rows ${ours}, ${theirs}) | ${whole(a.requestsPerSecond)} | ${whole(b.requestsPerSecond)} | ${fixed(ratioBetween(results.rows, ours, theirs), 2)}x |`);
  };
  load('Session-checked route', '2', 'b2');
  const [stateless, cached] = [row('3'), row('b3')];
  if (stateless && cached) {
    lines.push(
      `| Session check without a Redis read: stateless mode / cookie cache (x open; rows 3, b3) | ${fixed(stateless.ratioToOpen, 2)}x | ` +
        `${fixed(cached.ratioToOpen, 2)}x | ${fixed(stateless.ratioToOpen / cached.ratioToOpen, 2)}x |`,
    );
  }
  load('Session refresh', '6', 'b6');
  load('Login / sign-in, 8 connections', '7', 'b7');
  const trips = (what: string, ours: string, theirs: string) => {
    const [a, b] = [cost(ours), cost(theirs)];
    if (!a || !b) return;
    lines.push(`| ${what}: Redis round trips (commands sent) | ${perOp(a.roundTripsPerOp)} (${perOp(a.commandsPerOp)}) | ${perOp(b.roundTripsPerOp)} (${perOp(b.commandsPerOp)}) | |`);
  };
  trips('Session check', 'authenticated request (default', 'Better Auth: session-checked');
  trips('Session check without a Redis read (stateless / cookie cache)', 'authenticated request (stateless', 'Better Auth: request with the cookie cache');
  trips('Login / sign-in', 'login', 'Better Auth: sign-in');
  trips('Refresh', 'refresh', 'Better Auth: session refresh');
  trips('Logout / sign-out', 'logout', 'Better Auth: sign-out');
  for (const theirs of results.betterAuthMemory) {
    const ours = results.memory.find(
      (m) => m.sessionsPerUser === theirs.sessionsPerUser && m.userAgent === theirs.userAgent && m.ip === theirs.ip && m.userAgentMode === 'summary',
    );
    const [a, b] = [ours?.points[ours.points.length - 1], theirs.points[theirs.points.length - 1]];
    if (!a || !b) continue;
    lines.push(
      `| Redis bytes per session, ${theirs.sessionsPerUser} per user (${whole(b.sessions)} sessions) | ${fixed(a.bytesPerSession, 0)} | ${fixed(b.bytesPerSession, 0)} | ${fixed(a.bytesPerSession / b.bytesPerSession, 2)}x |`,
    );
  }
  return lines.join('\n');
}

export function targetTable(targets: Target[]): string {
  const lines = ['| Target | Measured | Met |', '|---|---|:---:|'];
  for (const target of targets) lines.push(`| ${target.name} | ${target.measured} | ${target.met ? 'yes' : '**NO**'} |`);
  return lines.join('\n');
}

export function renderMarkdown(results: BenchResults): string {
  const { machine, settings, loginLoad } = results;
  const { overload } = loginLoad;
  return `# Benchmark results${results.smoke ? ' (SMOKE RUN: numbers are meaningless)' : ''}

${results.date} - ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, Redis ${machine.redis}, ${machine.os}.
One run of \`npm run bench\`: the load generator (autocannon, ${settings.connections} connections), the apps (each in its
own process) and redis-server share this machine. Rows 1-6 and b1-b6: two warm-up passes of ${settings.warmupSeconds} s per row, then
${settings.durationSeconds} s per row measured in ${settings.rounds} rounds of ${fixed(settings.durationSeconds / settings.rounds, 1)} s slices, each row between two slices of its app's \`GET /\`,
except rows 3 and 4, whose targets are a few percent from their reference row: after a whole slice of the reference and
unmeasured load on both routes, each alternates with it (row 3 with 1s, row 4 with 2) in four back-to-back pairs of quarter
slices (1s, 3, 1s, 3, 1s, 3, 1s, 3, 1s: both routes hot, nothing in between); the order is 1, 1n, 1, 2, 1, then 1s, 1s, 3, ... 1s,
then 2, 2, 4, ... 2, then 1, 5, 1, 5b, 1, 6, 1, then 1c, 2c, 1c, 6c, 1c (the app on a Redis Cluster: see below), then 1f, 2f, 1f,
6f, 1f (the app on Fastify: see below), then 1, b1, 1, b2, 1, b3, 1, b6, 1 (the Better Auth rows: see below).
The open routes (1, 1s, 1c, 1f) get the same \`Authorization\` header as row 2, which they ignore: the rows then differ only in
what the server does (row 1n shows what the header's bytes cost without it). "x open" is the median over rounds of the
row's req/s divided by the mean of those two slices (row 3: the median over all its pairs of its req/s over the mean of the two
1s slices around it; row 4: the median of its four pairs, times row 2's ratio in the same round; row 1s: its median over row 1's);
req/s and latencies are the row's median slice (rows 3 and 4: their median quarter slice, which reads ~8% fewer req/s
than a whole slice of the same route would: the set-up of 50 connections weighs four times as much; their "x open" compares
quarter slices with quarter slices only). Before each whole row slice, 0.5 s of unmeasured load on the row's route (1 s when
its app sat idle). Row 7 runs afterwards, with ${loginLoad.loginConnections} connections, then row b7 alike.

${loadTable(results.rows)}

Login does not stall the event loop: \`GET /\` at a fixed ${loginLoad.background.ratePerSecond} req/s (${loginLoad.background.connections} connections) has
p50/p99 ${fixed(loginLoad.idle.latencyP50Ms, 1)}/${fixed(loginLoad.idle.latencyP99Ms, 1)} ms alone and
**${fixed(loginLoad.duringLogins.latencyP50Ms, 1)}/${fixed(loginLoad.duringLogins.latencyP99Ms, 1)} ms while row 7 runs** (${loginLoad.loginConnections} concurrent logins keep argon2 saturated).
Overloaded with ${overload.loginConnections} concurrent logins (${fixed(overload.login.requestsPerSecond, 1)} logins/s, p50 ${fixed(overload.login.latencyP50Ms, 0)} ms: the extra ones only queue),
\`GET /\` p50/p99 is ${fixed(overload.duringLogins.latencyP50Ms, 1)}/${fixed(overload.duringLogins.latencyP99Ms, 1)} ms.
Non-2xx of \`GET /\`: ${loginLoad.idle.non2xx} / ${loginLoad.duringLogins.non2xx} / ${overload.duringLogins.non2xx}; of the overload logins: ${overload.login.non2xx + overload.login.errors}.

${variantSections(results.rows)}

## Redis cost per operation

Counted Redis-side, each operation run one at a time over HTTP against the app of row 2 (stateless: row 3), after
one unmeasured run: commands the app sent (MONITOR; a script call is one), round trips (\`INFO stats\`
\`total_reads_processed\` delta) and commands executed including those inside scripts (\`INFO commandstats\` delta).
Where the route needs a signed-in user, the guard's session check is included.

${costTable(results.redisCost)}

## Redis memory per session

\`used_memory\` delta over an empty database. Each session is made by \`RedisSessionStore\` as a login makes it (an ip
and the user agent as \`AuthService\` stores it under the \`sessionUserAgent\` option shown) and then rotated once (the
steady state: current and previous hash). All sessions of a user are one hash: everything is counted, the key, its TTL
entry, Redis' dictionaries and the records.${largePointSentence(results.memory)}

${memoryTable(results.memory)}

## Better Auth side by side

The same run, machine and load generator: \`better-auth\` behind \`@thallesp/nestjs-better-auth\` (its global
\`AuthGuard\`), sessions in the same redis-server through the official \`@better-auth/redis-storage\`, users in
its own in-memory database adapter (\`better-auth/adapters/memory\`), rate limiting on, every other setting at its default (bench/README.md, "Better Auth
side by side", lists them). Rows b1, b2, b3 and b6 are measured like the library's rows, each between two slices of row 1, so
"authkit / Better Auth" is the median over rounds of the two rows' ratios to row 1 in the same round; row b7 runs right
after row 7, alike. Row b6 runs on a second Better Auth app with \`session.updateAge: 0\`, so that every
\`get-session\` extends its session (at the default, a day old); row b3 on a third with its cookie cache on (the session
read from a signed cookie for up to 5 minutes: revocation is seen that late; compare it with the library's stateless
mode, row 3, whose "x open" is against row 1s); requests that reach Better Auth's router come from
distinct \`X-Forwarded-For\` addresses, each paying its rate-limit check. Redis costs are counted like the library's;
memory: sessions made in the app by Better Auth's \`internalAdapter.createSession\` (as sign-in makes them) for users
with no name or image, the same browser user agent and IPv4 address; all keys counted (a session key and each user's
active-sessions list).

${sideBySideTable(results)}

${betterAuthMemoryTable(results.betterAuthMemory)}

## Targets

${targetTable(results.targets)}
`;
}

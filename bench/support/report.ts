import type { LoadResult } from './load';
import type { MemoryResult } from './memory';
import type { RedisCost } from './redis-cost';

export interface Row extends LoadResult {
  id: string;
  route: string;
  /** Requests/s relative to row 1. */
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
  /** `count`: exact (Redis commands, status codes); `timing`: throughput/latency; `scale`: needs full-size data. */
  kind: 'count' | 'timing' | 'scale';
  measured: string;
  met: boolean;
}

export interface BenchResults {
  date: string;
  smoke: boolean;
  machine: Machine;
  settings: { connections: number; durationSeconds: number; warmupSeconds: number };
  rows: Row[];
  loginLoad: { background: { ratePerSecond: number; connections: number }; idle: LoadResult; duringLogins: LoadResult };
  redisCost: RedisCost[];
  memory: MemoryResult[];
  targets: Target[];
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const whole = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');
const perOp = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

export function loadTable(rows: Row[]): string {
  const lines = [
    '| # | Route | Req/s | p50 ms | p99 ms | non-2xx | x open |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const failures = row.non2xx + row.errors;
    lines.push(
      `| ${row.id} | ${row.route} | ${whole(row.requestsPerSecond)} | ${fixed(row.latencyP50Ms, 1)} | ${fixed(row.latencyP99Ms, 1)} | ` +
        `${failures}${row.errors ? ` (${row.errors} errors)` : ''} | ${fixed(row.ratioToOpen, 2)} |`,
    );
  }
  return lines.join('\n');
}

export function costTable(costs: RedisCost[]): string {
  const lines = [
    '| Operation | Commands | Round trips | of which throttling | Commands by name | Sequence (one op; `+` same trip, `\\|` next trip) |',
    '|---|---:|---:|---:|---|---|',
  ];
  for (const cost of costs) {
    const byName = Object.entries(cost.commandBreakdown).map(([name, n]) => `${name} ${perOp(n)}`).join(', ') || 'none';
    lines.push(
      `| ${cost.operation} | ${perOp(cost.commandsPerOp)} | ${perOp(cost.roundTripsPerOp)} | ${perOp(cost.throttlingRoundTripsPerOp)} | ` +
        `${byName} | ${cost.sequence.replace(/\|/g, '\\|') || '-'} |`,
    );
  }
  return lines.join('\n');
}

export function memoryTable(results: MemoryResult[]): string {
  const lines = ['| Sessions per user | Sessions | Users (indexes) | Redis bytes | Bytes/session |', '|---:|---:|---:|---:|---:|'];
  for (const result of results) {
    for (const point of result.points) {
      lines.push(`| ${result.sessionsPerUser} | ${whole(point.sessions)} | ${whole(point.users)} | ${whole(point.bytes)} | ${fixed(point.bytesPerSession, 0)} |`);
    }
    lines.push(
      `| ${result.sessionsPerUser} | marginal (between the points) | | | ${fixed(result.marginalBytesPerSession, 0)} (spread ${fixed((result.spread - 1) * 100, 1)}%) |`,
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
  return `# Benchmark results${results.smoke ? ' (SMOKE RUN: numbers are meaningless)' : ''}

${results.date} - ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, Redis ${machine.redis}, ${machine.os}.
One run of \`npm run bench\`: the load generator (autocannon, ${settings.connections} connections) and the apps
(each in its own process) and redis-server share this machine. Every row: ${settings.warmupSeconds} s warm-up, then ${settings.durationSeconds} s measured.

${loadTable(results.rows)}

Login does not stall the event loop: \`GET /\` at a fixed ${loginLoad.background.ratePerSecond} req/s
(${loginLoad.background.connections} connections) has p99 ${fixed(loginLoad.idle.latencyP99Ms, 1)} ms alone and
**${fixed(loginLoad.duringLogins.latencyP99Ms, 1)} ms while row 7 runs** (p50 ${fixed(loginLoad.idle.latencyP50Ms, 1)} / ${fixed(loginLoad.duringLogins.latencyP50Ms, 1)} ms; non-2xx ${loginLoad.idle.non2xx} / ${loginLoad.duringLogins.non2xx}).

## Redis cost per operation

Counted Redis-side from \`INFO stats commandstats\` deltas (commands; \`total_reads_processed\` = round trips), each
operation run one at a time, through HTTP, against the row-2 app (stateless row: the row-3 app). Commands of the
guard (the session \`EXISTS\`) are included where the route needs a signed-in user.

${costTable(results.redisCost)}

## Redis memory per session

\`used_memory\` delta over an empty database. Each session made by \`RedisSessionStore\` like a real login
(ip, a ${'Chrome'} user agent) and then rotated once (steady state: current + previous hash); includes the per-user
session index (sorted set) and every key's TTL entry.

${memoryTable(results.memory)}

## Targets

${targetTable(results.targets)}
`;
}

import { fixed, whole } from './format';

/** What the comparison reads of a row of the load table (`Row`, report.ts). */
interface RowFigures {
  id: string;
  requestsPerSecond: number;
  latencyP99Ms: number;
  ratioToOpen: number;
}

/** A bench app that repeats rows 1, 2 and 6 (ids suffixed, bench/support/routes.ts), and what the table calls both sides. */
interface Variant {
  suffix: string;
  /** The side of rows 1, 2 and 6 (the Express app on standalone Redis). */
  base: string;
  variant: string;
}

/**
 * Rows 2 and 6 next to the same rows on a variant app (2c and 6c: a Redis Cluster; 2f and 6f: Fastify), each
 * against its own app's `GET /` (row 1, and row 1c or 1f), from the same run.
 */
export function variantTable(rows: RowFigures[], { suffix, base, variant }: Variant): string {
  const row = (id: string) => rows.find((r) => r.id === id);
  const open = `1${suffix}`;
  const lines = [
    `| Route | ${base} req/s | x open (row 1) | p99 ms | ${variant} req/s | x open (row ${open}) | p99 ms | ${variant} x open / ${base} x open |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [what, id] of [['guarded route', '2'], ['refresh', '6']] as const) {
    const [a, v] = [row(id), row(`${id}${suffix}`)];
    if (!a || !v) continue;
    lines.push(
      `| ${what} (rows ${id}, ${id}${suffix}) | ${whole(a.requestsPerSecond)} | ${fixed(a.ratioToOpen, 2)} | ${fixed(a.latencyP99Ms, 1)} | ` +
        `${whole(v.requestsPerSecond)} | ${fixed(v.ratioToOpen, 2)} | ${fixed(v.latencyP99Ms, 1)} | ${fixed(v.ratioToOpen / a.ratioToOpen, 2)} |`,
    );
  }
  return lines.join('\n');
}

/** RESULTS.md's sections on the variant apps: the Redis Cluster and Fastify. */
export function variantSections(rows: RowFigures[]): string {
  const fastifyOpen = rows.find((r) => r.id === '1f');
  return `## Cluster next to standalone

Rows 1c, 2c and 6c: a third bench app, default mode, configured with \`redis: { cluster: { nodes } }\` on a Redis Cluster
the bench starts on loopback (3 masters + 3 replicas of the same \`redis-server\`, \`redis-cli --cluster create
--cluster-replicas 1\`), measured in the same rounds as the other rows, each between two slices of that app's own
\`GET /\` (row 1c), as row 3 is against 1s. The six nodes share this machine's cores with everything else, so the
cluster's figures show what the cluster client and routing cost, not what more machines would add.

${variantTable(rows, { suffix: 'c', base: 'Standalone', variant: 'Cluster' })}

## Fastify next to Express

Rows 1f, 2f and 6f: a fourth bench app, default mode, on the same redis-server as rows 1-6, on Nest's Fastify adapter
(\`@nestjs/platform-fastify\`, \`new FastifyAdapter()\` with Fastify's defaults) instead of Express; the same module
and controller, its user signed in through it. Measured in the same rounds as the other rows, each between two slices of that app's own
\`GET /\` (row 1f), as row 3 is against 1s: each platform's "x open" is the library's share of what that platform's
request costs, so a faster platform shows the same guard as a larger share. Row 1f's "x open" is its median slice over
row 1's: Fastify's open route against Express's (other processes, never adjacent)${fastifyOpen ? `: ${fixed(fastifyOpen.ratioToOpen, 2)}x` : ''}.

${variantTable(rows, { suffix: 'f', base: 'Express', variant: 'Fastify' })}`;
}

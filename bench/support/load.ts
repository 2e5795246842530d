import autocannon from 'autocannon';

/** One autocannon measurement, reduced to what the table shows. */
export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  /** Responses by HTTP status, e.g. `{ "200": 5120 }`. */
  statusCodes: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
  durationSeconds: number;
}

export interface LoadSpec {
  url: string;
  connections: number;
  durationSeconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** For requests that differ each time (refresh): autocannon's per-request hooks. */
  requests?: autocannon.Request[];
  /** Fixed total rate (req/s) instead of as fast as possible. */
  overallRate?: number;
}

export async function load(spec: LoadSpec): Promise<LoadResult> {
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    method: spec.method ?? 'GET',
    headers: spec.headers,
    requests: spec.requests,
    overallRate: spec.overallRate,
    timeout: 10,
    // autocannon stops only at a sample tick (1 s by default): short runs need shorter ticks.
    sampleInt: Math.min(1000, Math.max(50, spec.durationSeconds * 250)),
  } as autocannon.Options);
  // Counted over the whole run (sent and answered), not averaged over 1-second samples.
  const answered = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  return {
    requests: answered,
    requestsPerSecond: answered / result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(
      Object.entries((result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {}).map(
        ([code, stats]) => [code, stats.count],
      ),
    ),
    errors: result.errors,
    durationSeconds: result.duration,
  };
}

/** Warm-up (discarded), then the measured run, against the same target. */
export async function measure(spec: LoadSpec, warmupSeconds: number): Promise<LoadResult> {
  await load({ ...spec, durationSeconds: warmupSeconds });
  return load(spec);
}

/** Small statistics over per-slice and per-round figures. */

export const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/** The middle half of `values` (25th to 75th percentile, nearest rank): how much the per-round ratios spread. */
export function quartiles(values: number[]): [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return [at(0.25), at(0.75)];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The element with the median key (the lower middle one for an even count). */
export function medianBy<T>(items: T[], key: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Counts by key, added up: `[{ 200: 3 }, { 200: 1, 401: 1 }]` -> `{ 200: 4, 401: 1 }`. */
export function mergeCounts(counts: Record<string, number>[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const count of counts) for (const [key, n] of Object.entries(count)) merged[key] = (merged[key] ?? 0) + n;
  return merged;
}

/**
 * Row `a`'s throughput over row `b`'s: the median over rounds of their ratios to the open route in the same
 * round (a row measured once, like row 7, has one ratio for all rounds).
 */
export function ratioBetween(rows: { id: string; roundRatios: number[] }[], a: string, b: string): number {
  const row = (id: string) => rows.find((r) => r.id === id) as { roundRatios: number[] };
  const roundRatio = (r: { roundRatios: number[] }, i: number) => (r.roundRatios.length === 1 ? r.roundRatios[0] : r.roundRatios[i]);
  return median(row(a).roundRatios.map((r, i) => r / roundRatio(row(b), i)));
}

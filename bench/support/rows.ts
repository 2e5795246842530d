import type { Row } from './report';
import type { RoundMeasurements } from './rounds';
import type { Route } from './routes';
import { median, medianBy, mergeCounts, sum } from './stats';

/**
 * The table rows of rows 1-6 from their rounds. A row shows its median slice and the median of its ratios;
 * its ratio to the open route is taken through its `ceiling` when that is not an open route.
 */
export function roundRows(routes: Route[], { slices, quarters, ratios: measured, pairRatios }: RoundMeasurements): Row[] {
  const ratios = [...measured];
  const indexOf = (id: string) => routes.findIndex((route) => route.id === id);
  // The open routes: 1 by definition; row 1s against row 1 by medians (other process, never adjacent).
  const medianRps = (i: number) => median(slices[i].map((r) => r.requestsPerSecond));
  for (const [i, route] of routes.entries()) {
    if (!route.ceiling) ratios[i] = [medianRps(i) / medianRps(0)];
  }
  // A row measured against another guarded row (admin against guarded): its ratio to the open route is,
  // per round, its ratio to that row times that row's ratio to the open route. A row in pairs with an open
  // route (stateless): the median over all its pairs.
  const toOpen = (i: number): number[] => {
    const via = routes[i].ceiling ? indexOf(routes[i].ceiling as string) : -1;
    if (via < 0 || !routes[via].ceiling) return ratios[i];
    const base = toOpen(via);
    return ratios[i].map((r, k) => r * base[k]);
  };
  return routes.map((route, i) => {
    // Rows measured in pairs only have quarter slices: they show their median quarter slice.
    const typical = medianBy(slices[i].length ? slices[i] : quarters[i], (r) => r.requestsPerSecond);
    const all = [...slices[i], ...quarters[i]];
    return {
      id: route.id,
      route: route.route,
      ...typical,
      requests: sum(all.map((r) => r.requests)),
      non2xx: sum(all.map((r) => r.non2xx)),
      errors: sum(all.map((r) => r.errors)),
      statusCodes: mergeCounts(all.map((r) => r.statusCodes)),
      durationSeconds: sum(all.map((r) => r.durationSeconds)),
      slicesRequestsPerSecond: slices[i].map((r) => r.requestsPerSecond),
      ...(quarters[i].length ? { quarterSlicesRequestsPerSecond: quarters[i].map((r) => r.requestsPerSecond) } : {}),
      ceiling: route.ceiling,
      roundRatios: ratios[i],
      ...(route.alternations ? { pairRatios: pairRatios[i] } : {}),
      ratioToOpen: route.alternations && !routes[indexOf(route.ceiling as string)].ceiling ? median(pairRatios[i]) : median(toOpen(i)),
    };
  });
}

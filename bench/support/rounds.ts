import type { AppProcess } from './app-process';
import { load, type LoadResult } from './load';
import { log } from './log';
import type { Route } from './routes';
import { median } from './stats';

/** How long and how hard rows 1-6 are loaded. */
export interface RoundSettings {
  connections: number;
  /** Measured seconds per row, split into `rounds` slices. */
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
}

/** Everything measured in the rounds, by route index (the order of the routes given). */
export interface RoundMeasurements {
  /** Whole slices. */
  slices: LoadResult[][];
  /** Quarter slices of the back-to-back pairs (kept apart from whole slices). */
  quarters: LoadResult[][];
  /** Per round: the row's req/s over its `ceiling`'s around it (rows with `alternations`: the round's median pair). */
  ratios: number[][];
  /** Rows with `alternations`: every pair's ratio, all rounds. */
  pairRatios: number[][];
}

/**
 * Rows 1-6 are measured in interleaved rounds, each round 1, 2, 1, 3, 1, 4, ... 1, 6, 1: a row's ratio in
 * a round is its req/s over the mean of the two row-1 slices either side of it, so a slow spell of the
 * (shared) machine weighs on both alike. Rows with `alternations` are measured in back-to-back pairs of
 * shorter slices against their `ceiling` instead (see below). The open routes get no ratio here.
 */
export async function measureRounds(routes: Route[], settings: RoundSettings): Promise<RoundMeasurements> {
  const { connections } = settings;
  const slice = settings.durationSeconds / settings.rounds;
  // Two warm-up passes: every process reaches optimised code before anything counts.
  for (let pass = 0; pass < 2; pass++) {
    for (const route of routes) {
      await route.prepare?.();
      await load({ ...route.spec, connections, durationSeconds: settings.warmupSeconds });
    }
  }
  // Unmeasured load right before a measured slice: a second when the app sat idle meanwhile (V8 shrinks
  // an idle heap, and the regrowth is not what a row should measure), and half a second of the row's own
  // route before each row slice (code not run for a while loses its compiled form; recompiling is not
  // the route's steady-state cost either). The open routes run all the time and need none.
  let busyApp: AppProcess | undefined;
  const sliceOf = async (route: Route, seconds = slice, warm = true): Promise<LoadResult> => {
    const idle = route.app !== busyApp;
    if (idle || (warm && route.ceiling)) {
      await route.prepare?.();
      await load({ ...route.spec, connections, durationSeconds: Math.min(idle ? 1 : 0.5, settings.warmupSeconds) });
    }
    busyApp = route.app;
    await route.prepare?.();
    return load({ ...route.spec, connections, durationSeconds: seconds });
  };
  const unmeasured = async (route: Route, seconds: number): Promise<void> => {
    await route.prepare?.();
    await load({ ...route.spec, connections, durationSeconds: seconds });
    busyApp = route.app;
  };
  // Whole slices, and the quarter slices of the back-to-back pairs (kept apart: a quarter slice reads ~8% fewer
  // req/s than a whole one of the same route, the set-up of 50 connections weighing four times as much).
  const slices: LoadResult[][] = routes.map(() => []);
  const quarters: LoadResult[][] = routes.map(() => []);
  const ratios: number[][] = routes.map(() => []);
  const indexOf = (id: string) => routes.findIndex((route) => route.id === id);
  const take = async (i: number, seconds?: number, warm?: boolean, into = slices): Promise<LoadResult> => {
    const result = await sliceOf(routes[i], seconds, warm);
    into[i].push(result);
    return result;
  };
  // Rows whose targets are a few percent from their reference (stateless vs its open route: 0.92x; admin vs
  // guarded: within 3%) alternate with it in shorter back-to-back slices, both routes hot, no unmeasured load
  // in between: the machine's speed drifts by more than that within seconds, and only slices this close in
  // time see the same machine. Four pairs of quarter slices take as long as one sandwich of whole slices and
  // give four ratios instead of one (a route against itself on this machine: single quarter-slice pairs spread
  // ~12%, whole-slice sandwiches ~9%), so the median over all pairs is the tighter figure.
  const pairRatios: number[][] = routes.map(() => []);
  for (let round = 0; round < settings.rounds; round++) {
    log(`round ${round + 1}/${settings.rounds}`);
    let last: { ceiling: number; result: LoadResult } | undefined;
    for (const [i, route] of routes.entries()) {
      if (!route.ceiling) continue;
      const ceiling = indexOf(route.ceiling);
      const alternations = route.alternations ?? 1;
      if (alternations === 1) {
        const before = last?.ceiling === ceiling ? last.result : await take(ceiling);
        const result = await take(i);
        const after = await take(ceiling);
        ratios[i].push(result.requestsPerSecond / ((before.requestsPerSecond + after.requestsPerSecond) / 2));
        last = { ceiling, result: after };
        continue;
      }
      // The reference keeps its whole slice of the round (its own figures, and row 1s's ratio to row 1, come
      // from whole slices only). Then both routes run unmeasured, and only quarter slices follow, each right
      // after one of the other route: every pair is measured alike. (With a whole slice as the first pair's
      // reference, the first pair of each round read 9-10% below the other three in two runs.)
      if (last?.ceiling !== ceiling) await take(ceiling);
      const seconds = slice / alternations;
      await unmeasured(route, Math.min(0.5, settings.warmupSeconds));
      await unmeasured(routes[ceiling], seconds);
      let before = await take(ceiling, seconds, false, quarters);
      const pairs: number[] = [];
      for (let k = 0; k < alternations; k++) {
        const result = await take(i, seconds, false, quarters);
        const after = await take(ceiling, seconds, false, quarters);
        pairs.push(result.requestsPerSecond / ((before.requestsPerSecond + after.requestsPerSecond) / 2));
        before = after;
      }
      pairRatios[i].push(...pairs);
      ratios[i].push(median(pairs));
      last = undefined;
    }
  }
  return { slices, quarters, ratios, pairRatios };
}

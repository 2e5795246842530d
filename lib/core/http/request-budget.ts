import { AsyncLocalStorage } from 'node:async_hooks';
import { type EventLoopUtilization, performance } from 'node:perf_hooks';

/**
 * The time one HTTP request may spend waiting on the store, in all: a slow or paused Redis answers every route
 * with 503 within about this long, however many commands the route sends one after another (each command also
 * has its own 500 ms timeout). Counted while at least one command is in flight, less the share of that time the
 * event loop was busy: CPU time (hashing, a flood of requests) does not use it up, only waiting on the store.
 */
export const REQUEST_STORE_BUDGET_MS = 1000;

/** The error a store call gets when the request's budget is spent: the same message as a command timeout. */
export const BUDGET_SPENT_MESSAGE = 'Command timed out';

/** The event loop's busy share since `since` (0 to 1): a busy app, not a slow store, made that time. */
function busyShareSince(since: EventLoopUtilization): number {
  return performance.eventLoopUtilization(since).utilization;
}

class RequestBudget {
  private spentMs = 0;
  private inFlight = 0;
  private since = 0;
  private sinceLoop: EventLoopUtilization | undefined;
  /** Set once a store call of this request timed out: the store is slow now; later calls fail at once. */
  exhausted = false;

  constructor(private readonly budgetMs: number) {}

  remainingMs(now: number): number {
    if (this.exhausted) return 0;
    return this.budgetMs - this.spentMs - (this.inFlight > 0 ? this.waited(now) : 0);
  }

  enter(now: number): void {
    if (this.inFlight++ > 0) return;
    this.since = now;
    this.sinceLoop = performance.eventLoopUtilization();
  }

  leave(now: number): void {
    if (--this.inFlight === 0) this.spentMs += this.waited(now);
  }

  /** The time since the first call in flight began, less the share the event loop was busy (CPU, not the store). */
  private waited(now: number): number {
    const wall = now - this.since;
    return this.sinceLoop ? wall * (1 - busyShareSince(this.sinceLoop)) : wall;
  }
}

const storage = new AsyncLocalStorage<RequestBudget>();

/** Runs `work` (an HTTP request's handling) with a store budget of its own. */
export function withinRequestBudget<T>(work: () => T, budgetMs = REQUEST_STORE_BUDGET_MS): T {
  return storage.run(new RequestBudget(budgetMs), work);
}

/**
 * Runs `work` outside any request's budget: background work a request starts (a mail, a refund) must not fail
 * because the request that started it has spent its budget, nor use it up.
 */
export function outsideRequestBudget<T>(work: () => T): T {
  return storage.exit(work);
}

/**
 * Runs one store operation within the current request's budget (no request: as is). A spent budget fails at
 * once, without sending anything; otherwise the operation may wait for what is left of the budget, then fails
 * with a timeout (it may still run in Redis later, as after a command timeout). A timeout while the event loop
 * was mostly idle (the store, not the app, was slow) spends the budget.
 */
export function budgeted<T>(operation: () => Promise<T>): Promise<T> {
  const budget = storage.getStore();
  if (budget) return withinBudget(budget, operation);
  // No budget (the default, or background work): the operation as is, without another promise layer.
  try {
    return operation();
  } catch (error) {
    return Promise.reject(error);
  }
}

async function withinBudget<T>(budget: RequestBudget, operation: () => Promise<T>): Promise<T> {
  const remaining = budget.remainingMs(Date.now());
  if (remaining <= 0) throw new Error(BUDGET_SPENT_MESSAGE);
  let timer: NodeJS.Timeout | undefined;
  const loopAtStart = performance.eventLoopUtilization();
  budget.enter(Date.now());
  try {
    const pending = operation();
    const deadline = new Promise<never>((_, reject) => {
      // Re-armed while the time waited was partly the app's own (a busy loop): only store time spends the budget.
      const arm = (ms: number) => {
        timer = setTimeout(() => {
          const left = budget.remainingMs(Date.now());
          if (left > 0) arm(left);
          else reject(new Error(BUDGET_SPENT_MESSAGE));
        }, ms);
      };
      arm(remaining);
    });
    pending.catch(() => undefined); // a late failure after the deadline won is not unhandled
    return await Promise.race([pending, deadline]);
  } catch (error) {
    // A timeout while the loop was mostly idle: the store is slow, the next calls fail at once. While it was mostly
    // busy (a flood, CPU), the time was the app's: the budget alone decides.
    if (error instanceof Error && error.message === BUDGET_SPENT_MESSAGE && busyShareSince(loopAtStart) < 0.5) budget.exhausted = true;
    throw error;
  } finally {
    clearTimeout(timer);
    budget.leave(Date.now());
  }
}

/** Gives every request a store budget of `budgetMs`; installed by `AuthModule` for all routes with `redis.requestBudgetMs`. */
export function requestBudgetMiddleware(budgetMs: number): (request: unknown, response: unknown, next: (error?: unknown) => void) => void {
  return (_request, _response, next) => withinRequestBudget(() => next(), budgetMs);
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, type NestMiddleware } from '@nestjs/common';

/**
 * The time one HTTP request may spend waiting on the store, in all: a slow or paused Redis answers every route
 * with 503 within about this long, however many commands the route sends one after another (each command also
 * has its own 500 ms timeout). Counted while at least one command is in flight, so CPU time (hashing, a busy
 * event loop) does not use it up: a healthy Redis never runs out of it.
 */
export const REQUEST_STORE_BUDGET_MS = 1000;

/** The error a store call gets when the request's budget is spent: the same message as a command timeout. */
export const BUDGET_SPENT_MESSAGE = 'Command timed out';

class RequestBudget {
  private spentMs = 0;
  private inFlight = 0;
  private since = 0;
  /** Set once a store call of this request timed out: the store is slow now; later calls fail at once. */
  exhausted = false;

  constructor(private readonly budgetMs: number) {}

  remainingMs(now: number): number {
    if (this.exhausted) return 0;
    return this.budgetMs - this.spentMs - (this.inFlight > 0 ? now - this.since : 0);
  }

  enter(now: number): void {
    if (this.inFlight++ === 0) this.since = now;
  }

  leave(now: number): void {
    if (--this.inFlight === 0) this.spentMs += now - this.since;
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
 * with a timeout (it may still run in Redis later, as after a command timeout). A timeout spends the budget.
 */
export async function budgeted<T>(operation: () => Promise<T>): Promise<T> {
  const budget = storage.getStore();
  if (!budget) return operation();
  const remaining = budget.remainingMs(Date.now());
  if (remaining <= 0) throw new Error(BUDGET_SPENT_MESSAGE);
  let timer: NodeJS.Timeout | undefined;
  budget.enter(Date.now());
  try {
    const pending = operation();
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(BUDGET_SPENT_MESSAGE)), remaining);
    });
    pending.catch(() => undefined); // a late failure after the deadline won is not unhandled
    return await Promise.race([pending, deadline]);
  } catch (error) {
    if (error instanceof Error && error.message === BUDGET_SPENT_MESSAGE) budget.exhausted = true;
    throw error;
  } finally {
    clearTimeout(timer);
    budget.leave(Date.now());
  }
}

/** Gives every request its store budget (`REQUEST_STORE_BUDGET_MS`); installed by `AuthModule` for all routes. */
@Injectable()
export class RequestBudgetMiddleware implements NestMiddleware {
  use(_request: unknown, _response: unknown, next: (error?: unknown) => void): void {
    withinRequestBudget(() => next());
  }
}

import { budgeted, outsideRequestBudget, withinRequestBudget } from '../../../lib/core/http/request-budget';

/** A store call that waits `ms` with the event loop idle (a slow store). */
const idleWait = (ms: number) => () => new Promise<string>((resolve) => setTimeout(() => resolve('ok'), ms));

/** A call whose time is the app's own: the loop is busy for `ms` before it answers (CPU, a flood). */
const busyWait = (ms: number) => () =>
  new Promise<string>((resolve) =>
    setImmediate(() => {
      const end = Date.now() + ms;
      while (Date.now() < end) { /* busy */ }
      resolve('ok');
    }));

describe('the per-request store budget', () => {
  it('outside a request, calls run as they are', async () => {
    await expect(budgeted(idleWait(20))).resolves.toBe('ok');
  });

  it('waiting on the store spends it: a call past it fails with a timeout, the next at once without running', async () => {
    await withinRequestBudget(async () => {
      await expect(budgeted(idleWait(250))).resolves.toBe('ok');
      await expect(budgeted(idleWait(250))).resolves.toBe('ok');
      await expect(budgeted(idleWait(400))).rejects.toThrow('Command timed out'); // 100 ms of budget were left
      const never = jest.fn(idleWait(1));
      const started = Date.now();
      await expect(budgeted(never)).rejects.toThrow('Command timed out');
      expect(never).not.toHaveBeenCalled();
      expect(Date.now() - started).toBeLessThan(100);
    }, 600);
  });

  it('the time the event loop was busy (the app, not the store) does not spend it', async () => {
    await withinRequestBudget(async () => {
      for (let i = 0; i < 4; i++) await expect(budgeted(busyWait(200))).resolves.toBe('ok'); // 800 ms of CPU > 300 ms budget
    }, 300);
  });

  it('background work a request starts runs outside its budget', async () => {
    await withinRequestBudget(async () => {
      await expect(budgeted(idleWait(200))).rejects.toThrow('Command timed out');
      await expect(outsideRequestBudget(() => budgeted(idleWait(20)))).resolves.toBe('ok');
    }, 100);
  });
});

describe('redis.requestBudgetMs', () => {
  const { resolveRedisOptions } = jest.requireActual<typeof import('../../../lib/adapters/redis/redis.options')>('../../../lib/adapters/redis/redis.options');

  it('is off unless set (its AsyncLocalStorage costs CPU on every request), and takes 200..10000 ms', () => {
    expect(resolveRedisOptions({ redis: { url: 'redis://127.0.0.1:6379' } }).requestBudgetMs).toBeUndefined();
    expect(resolveRedisOptions({ redis: { url: 'redis://127.0.0.1:6379', requestBudgetMs: 800 } }).requestBudgetMs).toBe(800);
    for (const bad of [199, 10_001, 1.5, '1000' as unknown as number]) {
      expect(() => resolveRedisOptions({ redis: { url: 'redis://127.0.0.1:6379', requestBudgetMs: bad } })).toThrow(/redis\.requestBudgetMs/);
    }
  });
});

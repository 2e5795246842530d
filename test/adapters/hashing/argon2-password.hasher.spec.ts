// The module object itself (not an import-star copy), so that spies replace what the hasher calls.
import argon2 = require('argon2');
import { Argon2PasswordHasher, ServiceBusyError } from '../../../lib';

const PARAMS = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };

/** A promise settled from outside. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Argon2PasswordHasher', () => {
  afterEach(() => jest.restoreAllMocks());

  it('hashes and verifies with argon2id', async () => {
    const hasher = new Argon2PasswordHasher(PARAMS);
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$/);
    await expect(hasher.verify(hash, 'correct horse battery staple')).resolves.toBe(true);
    await expect(hasher.verify(hash, 'wrong')).resolves.toBe(false);
    await expect(hasher.verify('not a hash', 'x')).resolves.toBe(false);
  });

  it('runs at most maxConcurrent computations at once; hashes and verifies queue alike, in order', async () => {
    const pending: Array<ReturnType<typeof deferred<unknown>>> = [];
    const started: string[] = [];
    const track = (name: string) => async () => {
      started.push(name);
      const d = deferred<unknown>();
      pending.push(d);
      return d.promise;
    };
    jest.spyOn(argon2, 'hash').mockImplementation(track('hash') as never);
    jest.spyOn(argon2, 'verify').mockImplementation(track('verify') as never);
    const hasher = new Argon2PasswordHasher(PARAMS, 2);

    const results = [hasher.hash('a'), hasher.verify('$argon2id$x', 'b'), hasher.hash('c'), hasher.verify('$argon2id$y', 'd')];
    await tick();
    expect(started).toEqual(['hash', 'verify']);

    pending[0].resolve('h1');
    await tick();
    expect(started).toEqual(['hash', 'verify', 'hash']);

    pending[1].reject(new Error('malformed'));
    await tick();
    expect(started).toEqual(['hash', 'verify', 'hash', 'verify']);

    pending[2].resolve('h3');
    pending[3].resolve(true);
    await expect(Promise.all(results)).resolves.toEqual(['h1', false, 'h3', true]);
  });

  it('a failed computation frees its slot', async () => {
    const calls: Array<ReturnType<typeof deferred<string>>> = [];
    jest.spyOn(argon2, 'hash').mockImplementation((() => {
      const d = deferred<string>();
      calls.push(d);
      return d.promise;
    }) as never);
    const hasher = new Argon2PasswordHasher(PARAMS, 1);
    const first = hasher.hash('a');
    const second = hasher.hash('b');
    await tick();
    expect(calls).toHaveLength(1);
    calls[0].reject(new Error('out of memory'));
    await expect(first).rejects.toThrow('out of memory');
    await tick();
    expect(calls).toHaveLength(2);
    calls[1].resolve('ok');
    await expect(second).resolves.toBe('ok');
  });

  it('defaults to one computation fewer than the CPUs, at least one', async () => {
    const { availableParallelism } = await import('node:os');
    let running = 0;
    let peak = 0;
    jest.spyOn(argon2, 'hash').mockImplementation((async () => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      running--;
      return 'h';
    }) as never);
    const hasher = new Argon2PasswordHasher(PARAMS);
    await Promise.all(Array.from({ length: 16 }, (_, i) => hasher.hash(String(i))));
    expect(peak).toBe(Math.max(1, availableParallelism() - 1));
  });

  it('the waiting line is bounded: beyond maxQueued, a hash AND a verify are refused at once with ServiceBusyError (a verify never turns it into false)', async () => {
    const calls: Array<ReturnType<typeof deferred<unknown>>> = [];
    const held = (() => {
      const d = deferred<unknown>();
      calls.push(d);
      return d.promise;
    }) as never;
    jest.spyOn(argon2, 'hash').mockImplementation(held);
    jest.spyOn(argon2, 'verify').mockImplementation(held);
    const hasher = new Argon2PasswordHasher({ ...PARAMS, maxConcurrent: 1, maxQueued: 1 });
    const running = hasher.hash('a');
    const waiting = hasher.verify('$argon2id$x', 'b');
    await expect(hasher.hash('c')).rejects.toBeInstanceOf(ServiceBusyError);
    await expect(hasher.verify('$argon2id$y', 'd')).rejects.toBeInstanceOf(ServiceBusyError);
    calls[0].resolve('h');
    await expect(running).resolves.toBe('h');
    await tick();
    calls[1].resolve(true);
    await expect(waiting).resolves.toBe(true);
    // Room again.
    const later = hasher.hash('e');
    await tick();
    calls[2].resolve('h2');
    await expect(later).resolves.toBe('h2');
  });
});

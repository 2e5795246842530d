import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BenchAppModule } from './bench-app.module';

/**
 * The app on `BENCH_PLATFORM`'s HTTP platform: Express (Nest's default), or `fastify` (rows 1f, 2f, 6f) with the
 * adapter as its documentation makes it (`new FastifyAdapter()`, Fastify's defaults). Fastify is loaded only then,
 * so the Express apps never load it.
 */
async function createApp(): Promise<INestApplication> {
  // BENCH_APP_LOG=error: errors only (the soak, whose faults make the library warn on purpose).
  const options: NestApplicationOptions = { logger: process.env.BENCH_APP_LOG === 'error' ? ['error'] : ['error', 'warn'] };
  if (process.env.BENCH_PLATFORM !== 'fastify') return NestFactory.create(BenchAppModule, options);
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  return NestFactory.create(BenchAppModule, new FastifyAdapter(), options);
}

/** Child-process entry: listens on a free loopback port and reports it to the parent over IPC. */
async function main(): Promise<void> {
  const app = await createApp();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  answerStats();
  process.send?.({ type: 'ready', port, pid: process.pid });
  // SIGTERM from the parent, or the parent going away, ends the app (exiting normally, so --cpu-prof writes).
  const shutdown = () => void app.close().finally(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('disconnect', shutdown);
}

/**
 * `{ type: 'stats' }` over IPC (the soak, bench/soak.ts) answers the process' own figures: heap used after a full
 * GC (when node runs with --expose-gc), the event-loop delay since the last ask (p99 and max, ms), open fds.
 */
function answerStats(): void {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  process.on('message', (message: { type?: string }) => {
    if (message?.type !== 'stats') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    let fds = -1;
    try {
      fds = readdirSync('/proc/self/fd').length;
    } catch {
      // not Linux
    }
    process.send?.({
      type: 'stats', heapUsed: process.memoryUsage().heapUsed, gc: Boolean(gc), fds,
      loopDelayP99Ms: delay.percentile(99) / 1e6, loopDelayMaxMs: delay.max / 1e6,
    });
    delay.reset();
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BenchAppModule } from './bench-app.module';

/**
 * The app on `BENCH_PLATFORM`'s HTTP platform: Express (Nest's default), or `fastify` (rows 1f, 2f, 6f) with the
 * adapter as its documentation makes it (`new FastifyAdapter()`, Fastify's defaults). Fastify is loaded only then,
 * so the Express apps never load it.
 */
async function createApp(): Promise<INestApplication> {
  const options: NestApplicationOptions = { logger: ['error', 'warn'] };
  if (process.env.BENCH_PLATFORM !== 'fastify') return NestFactory.create(BenchAppModule, options);
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  return NestFactory.create(BenchAppModule, new FastifyAdapter(), options);
}

/** Child-process entry: listens on a free loopback port and reports it to the parent over IPC. */
async function main(): Promise<void> {
  const app = await createApp();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.send?.({ type: 'ready', port, pid: process.pid });
  // SIGTERM from the parent, or the parent going away, ends the app (exiting normally, so --cpu-prof writes).
  const shutdown = () => void app.close().finally(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('disconnect', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

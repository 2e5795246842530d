import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { BenchAppModule } from './bench-app.module';

/** Child-process entry: listens on a free loopback port and reports it to the parent over IPC. */
async function main(): Promise<void> {
  const app = await NestFactory.create(BenchAppModule, { logger: ['error', 'warn'] });
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

import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { BetterAuthAppModule } from './better-auth-app.module';

/**
 * Child-process entry of the Better Auth app (bench/app/main.ts's twin): Nest's body parser off, as
 * `@thallesp/nestjs-better-auth` requires; listens on a free loopback port and reports it over IPC.
 */
async function main(): Promise<void> {
  const app = await NestFactory.create(BetterAuthAppModule, { bodyParser: false, logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.send?.({ type: 'ready', port, pid: process.pid });
  const shutdown = () => void app.close().finally(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('disconnect', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

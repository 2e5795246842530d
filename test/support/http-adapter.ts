import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
import type { TestingModule } from '@nestjs/testing';
import { createServer, type RequestListener } from 'node:http';

/** The platform the HTTP e2e suites run on: `HTTP_ADAPTER=fastify`, else Express (the jest projects set it). */
export const HTTP_ADAPTER: 'express' | 'fastify' = process.env.HTTP_ADAPTER === 'fastify' ? 'fastify' : 'express';

/** What a test may change on its Fastify adapter. */
export interface FastifyTestOptions {
  /** Fastify's `trustProxy` (the same values as Express's `trust proxy`). */
  trustProxy?: boolean | string | number;
  /** Node's header size limit of the server Fastify listens on. Default: Node's (16 KiB). */
  maxHeaderSize?: number;
}

/**
 * A Fastify adapter configured like Express's defaults: the same 100 KB body limit, and the same routing
 * (Express ignores a trailing slash and letter case; Fastify's defaults do not), so both platforms route alike.
 */
export function testFastifyAdapter(options: FastifyTestOptions = {}): FastifyAdapter {
  // Loaded here, not imported: the Express run of a suite does not load Fastify (~200 ms of CPU per test file).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { FastifyAdapter: Adapter } = require('@nestjs/platform-fastify') as typeof import('@nestjs/platform-fastify');
  return new Adapter({
    bodyLimit: 100 * 1024,
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false },
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    ...(options.maxHeaderSize !== undefined
      ? { serverFactory: (handler: unknown) => createServer({ maxHeaderSize: options.maxHeaderSize }, handler as RequestListener) }
      : {}),
  });
}

/** A Nest application of `moduleRef` on the platform of this run (Fastify configured like Express). */
export function createPlatformApp(moduleRef: TestingModule, options: NestApplicationOptions = {}): INestApplication {
  if (HTTP_ADAPTER === 'fastify') return moduleRef.createNestApplication(testFastifyAdapter(), options);
  return moduleRef.createNestApplication(options);
}

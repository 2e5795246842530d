import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { TestingModule } from '@nestjs/testing';

/** The platform the HTTP e2e suites run on: `HTTP_ADAPTER=fastify`, else Express (the jest projects set it). */
export const HTTP_ADAPTER: 'express' | 'fastify' = process.env.HTTP_ADAPTER === 'fastify' ? 'fastify' : 'express';

/** A Nest application of `moduleRef` on the platform of this run (Fastify with the same 100 KB body limit as Express). */
export function createPlatformApp(moduleRef: TestingModule, options: NestApplicationOptions = {}): INestApplication {
  if (HTTP_ADAPTER === 'fastify') return moduleRef.createNestApplication(new FastifyAdapter({ bodyLimit: 100 * 1024 }), options);
  return moduleRef.createNestApplication(options);
}

import 'reflect-metadata';
import { Controller, Get, type INestApplication, type ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import {
  type AuthenticatedUser, AuthExceptionFilter, AuthModule, type AuthModuleExtras, type AuthModuleOptions, CurrentUser, Public, Roles,
} from '../../lib';
import { createPlatformApp } from './http-adapter';

@Controller()
export class TestRoutesController {
  @Public()
  @Get()
  index(): { ok: true } {
    return { ok: true };
  }

  @Get('profile')
  profile(@CurrentUser() user: AuthenticatedUser): AuthenticatedUser {
    return user;
  }

  @Roles('admin')
  @Get('admin')
  admin(): { admin: true } {
    return { admin: true };
  }
}

export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long!';

/** Cheap argon2 parameters so e2e tests stay fast. */
export const FAST_HASHING = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };

/**
 * Route limits of the test apps: registration, OAuth start, reset and verify per ip are raised (every test client is
 * 127.0.0.1, and a suite registers many users); the suites that test those limits set their own.
 */
export const TEST_ROUTE_LIMITS = {
  register: { ip: { limit: 100_000 } }, oauthStart: { ip: { limit: 100_000 } },
  passwordReset: { ip: { limit: 100_000 } }, emailVerify: { ip: { limit: 100_000 } },
};

/** The options every test app starts from: the test secret, real Redis under its own key prefix, cheap argon2. */
export function baseTestOptions(keyPrefix: string, overrides: Partial<AuthModuleOptions> = {}): AuthModuleOptions {
  const { throttle, ...rest } = overrides;
  return {
    jwt: { secret: TEST_SECRET },
    redis: { url: process.env.REDIS_URL, keyPrefix },
    passwordHashing: FAST_HASHING,
    refreshTokenTransport: 'both',
    ...rest,
    throttle: { ...TEST_ROUTE_LIMITS, ...throttle },
  };
}

export interface TestApp {
  app: INestApplication;
  url: string;
  /** The Redis key prefix this app writes under. */
  keyPrefix: string;
  close(): Promise<void>;
}

/** A Nest app on a real HTTP server (listen(0)) with the library and a few routes, against real Redis by default. */
export async function createTestApp(
  options: Partial<AuthModuleOptions> = {},
  extras: AuthModuleExtras = {},
  metadata: ModuleMetadata & { globalFilter?: boolean } = {},
): Promise<TestApp> {
  const keyPrefix = `t${randomBytes(4).toString('hex')}`;
  // A `redis` option without a key prefix (another topology, see redis-topologies.ts) still gets this app's own.
  const given = options.redis ? { ...options, redis: { keyPrefix, ...options.redis } } : options;
  const moduleRef = await Test.createTestingModule({
    imports: [
      AuthModule.forRoot({ ...baseTestOptions(keyPrefix, given), ...extras }),
      ...(metadata.imports ?? []),
    ],
    controllers: [TestRoutesController, ...(metadata.controllers ?? [])],
    providers: metadata.providers ?? [],
  }).compile();
  const app = createPlatformApp(moduleRef, { logger: false });
  app.enableShutdownHooks();
  if (metadata.globalFilter !== false) app.useGlobalFilters(app.get(AuthExceptionFilter));
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, keyPrefix, close: () => app.close() };
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
  setCookie: string[];
}

/** A small fetch wrapper: JSON in, JSON out, never throws on HTTP errors. */
export async function http<T = any>(
  base: string,
  method: string,
  path: string,
  init: { token?: string; json?: unknown; body?: string; headers?: Record<string, string>; cookie?: string; timeoutMs?: number } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.cookie) headers.cookie = init.cookie;
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(base + path, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed as T, headers: response.headers, setCookie: response.headers.getSetCookie() };
}

let counter = 0;
/** A fresh, unique email per call. */
export function uniqueEmail(tag = 'user'): string {
  counter += 1;
  return `${tag}-${Date.now()}-${counter}-${randomBytes(3).toString('hex')}@example.com`;
}

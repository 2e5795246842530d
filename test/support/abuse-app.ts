import 'reflect-metadata';
import { type INestApplication, type LoggerService, type ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  Argon2PasswordHasher, AuthExceptionFilter, AuthModule, type AuthModuleExtras, type AuthModuleOptions,
} from '../../lib';
import { CountingPasswordHasher } from './counting-password-hasher';
import { HTTP_ADAPTER, testFastifyAdapter } from './http-adapter';
import { baseTestOptions, FAST_HASHING, TestRoutesController } from './test-app';

/** A Nest app of the abuse suites, on its own real HTTP server (listen(0)). */
export interface AbuseApp {
  app: INestApplication;
  url: string;
  keyPrefix: string;
  /** The real argon2 hasher, wrapped to count calls. */
  hasher: CountingPasswordHasher;
  close(): Promise<void>;
}

export interface AbuseAppSettings {
  /** Receives everything Nest and the library log. Default: logging off. */
  logger?: LoggerService;
  /** Express `trust proxy` / Fastify `trustProxy` (same values). Default: not set (proxy headers ignored). */
  trustProxy?: boolean | string | number;
  /** Node's header size limit (both platforms); raised so that oversized tokens reach the guard. Default: Node's (16 KiB). */
  maxHeaderSize?: number;
  extras?: AuthModuleExtras;
  metadata?: ModuleMetadata;
}

/**
 * Like `createTestApp`, plus what the abuse suites need: a counting hasher, a log sink, `trust proxy`
 * and a configurable header limit. Against the Jest Redis unless `options.redis` says otherwise.
 */
export async function createAbuseApp(options: Partial<AuthModuleOptions> = {}, settings: AbuseAppSettings = {}): Promise<AbuseApp> {
  const keyPrefix = `ab${randomBytes(4).toString('hex')}`;
  const hasher = new CountingPasswordHasher(new Argon2PasswordHasher(FAST_HASHING));
  let builder = Test.createTestingModule({
    imports: [
      AuthModule.forRoot({ ...baseTestOptions(keyPrefix, { passwordHasher: hasher, ...options }), ...settings.extras }),
      ...(settings.metadata?.imports ?? []),
    ],
    controllers: [TestRoutesController, ...(settings.metadata?.controllers ?? [])],
    providers: settings.metadata?.providers ?? [],
  });
  if (settings.logger) builder = builder.setLogger(settings.logger);
  const moduleRef = await builder.compile();
  if (HTTP_ADAPTER === 'fastify') return startFastify(moduleRef, settings, keyPrefix, hasher);
  const app = moduleRef.createNestApplication({ logger: settings.logger ?? false });
  app.useGlobalFilters(app.get(AuthExceptionFilter));
  const express = app.getHttpAdapter().getInstance();
  if (settings.trustProxy !== undefined) express.set('trust proxy', settings.trustProxy);
  await app.init();
  const server: Server = createServer({ maxHeaderSize: settings.maxHeaderSize }, express);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return listening(app, server, { keyPrefix, hasher, ownServer: true });
}

/**
 * The `AbuseApp` of an app whose `server` listens: `close` drops the keep-alive connections, closes the server when
 * the test made it (`ownServer`; Nest closes its own), then the app.
 */
function listening(
  app: INestApplication, server: Server, { keyPrefix, hasher, ownServer }: { keyPrefix: string; hasher: CountingPasswordHasher; ownServer: boolean },
): AbuseApp {
  const { port } = server.address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    keyPrefix,
    hasher,
    close: async () => {
      server.closeAllConnections();
      if (ownServer) await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}

/**
 * The Fastify twin: `trust proxy` becomes Fastify's `trustProxy`, the header limit the Node server's (made by
 * `serverFactory`); body limit and routing as Express's (see `testFastifyAdapter`).
 */
async function startFastify(moduleRef: TestingModule, settings: AbuseAppSettings, keyPrefix: string, hasher: CountingPasswordHasher): Promise<AbuseApp> {
  const adapter = testFastifyAdapter({ trustProxy: settings.trustProxy, maxHeaderSize: settings.maxHeaderSize });
  const app = moduleRef.createNestApplication(adapter, { logger: settings.logger ?? false });
  app.useGlobalFilters(app.get(AuthExceptionFilter));
  await app.listen(0, '127.0.0.1');
  return listening(app, app.getHttpServer(), { keyPrefix, hasher, ownServer: false });
}

/** Every log line and console/stdout/stderr write, for grepping. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];

  log(message: unknown, ...rest: unknown[]): void {
    this.push('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.push('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.push('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.push('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.push('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.push('fatal', message, rest);
  }

  /** Lines at `level` ('warn', 'error'...) joined, for `toContain` checks. */
  text(level?: string): string {
    return this.lines.filter((line) => !level || line.startsWith(`${level} `)).join('\n');
  }

  private push(level: string, message: unknown, rest: unknown[]): void {
    const render = (value: unknown) => (value instanceof Error ? `${value.message}\n${value.stack}` : typeof value === 'string' ? value : JSON.stringify(value));
    this.lines.push(`${level} ${[message, ...rest].map(render).join(' ')}`);
  }
}

/** Polls `probe` until it returns true (bounded: `attempts` x `intervalMs`). For waiting, never for asserting durations. */
export async function eventually(probe: () => Promise<boolean>, attempts = 50, intervalMs = 100): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await probe()) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return false;
}

/** The refresh token carried by a `Set-Cookie` list (`name=value; ...`). */
export function cookieValue(setCookie: string[], name: string): string | undefined {
  for (const cookie of setCookie) {
    const [pair] = cookie.split(';');
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq) === name) return pair.slice(eq + 1);
  }
  return undefined;
}

/** A password that is not on the common-password list. */
export function strongPassword(): string {
  return `pw ${randomBytes(9).toString('base64url')} x`;
}

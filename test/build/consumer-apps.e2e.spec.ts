import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packedTarball } from '../support/package-build';
import { freePort } from '../support/redis-server';
import { http, TEST_SECRET, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';

/** A consumer app: its dependencies next to the packed tarball, ESM or CommonJS, and how it creates the Nest app. */
interface ConsumerApp {
  name: string;
  esm: boolean;
  dependencies: Record<string, string>;
  adapterImport: string;
  create: string;
}

const NEST_11 = { '@nestjs/common': '^11.0.0', '@nestjs/core': '^11.0.0', 'reflect-metadata': '^0.2.0', rxjs: '^7.8.0' };
const NEST_12 = { '@nestjs/common': '^12.0.0', '@nestjs/core': '^12.0.0', 'reflect-metadata': '^0.2.0', rxjs: '^7.8.0' };
const TOOLS = { typescript: '~5.9.0', '@types/node': '^20.19.0' };

const APPS: ConsumerApp[] = [
  {
    name: 'nest11-express', esm: false, dependencies: { ...NEST_11, '@nestjs/platform-express': '^11.0.0', '@nestjs/event-emitter': '^3.0.0' },
    adapterImport: '', create: 'NestFactory.create(AppModule, { logger: ["error"] })',
  },
  {
    name: 'nest11-fastify', esm: false, dependencies: { ...NEST_11, '@nestjs/platform-fastify': '^11.0.0', '@nestjs/event-emitter': '^3.0.0' },
    adapterImport: "import { FastifyAdapter } from '@nestjs/platform-fastify';",
    create: 'NestFactory.create(AppModule, new FastifyAdapter(), { logger: ["error"] })',
  },
  {
    name: 'nest12-esm', esm: true, dependencies: { ...NEST_12, '@nestjs/platform-express': '^12.0.0', '@nestjs/event-emitter': '^12.0.0' },
    adapterImport: '', create: 'NestFactory.create(AppModule, { logger: ["error"] })',
  },
];

/** The app a new user writes from the README: a public route, a signed-in route, an admin route, an event listener. */
function appSource(app: ConsumerApp): string {
  return `import 'reflect-metadata';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
${app.adapterImport}
import { AuthEvent, AuthExceptionFilter, AuthModule, CurrentUser, Public, Roles, type AuthenticatedUser } from 'nestjs-authkit';

@Injectable()
class Audit {
  logins = 0;
  @OnEvent(AuthEvent.LoginSucceeded) onLogin() { this.logins += 1; }
}

@Controller()
class AppController {
  constructor(private readonly audit: Audit) {}
  @Public() @Get() index() { return { ok: true }; }
  @Public() @Get('audit') logins() { return { logins: this.audit.logins }; }
  @Get('profile') profile(@CurrentUser() user: AuthenticatedUser) { return user; }
  @Roles('admin') @Get('admin') admin() { return { admin: true }; }
}

@Module({
  imports: [
    EventEmitterModule.forRoot(),
    AuthModule.forRoot({
      jwt: { secret: process.env.AUTH_JWT_SECRET as string },
      redis: { url: process.env.REDIS_URL, keyPrefix: process.env.KEY_PREFIX },
      refreshTokenTransport: 'both',
      passwordHashing: { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 },
    }),
  ],
  controllers: [AppController],
  providers: [Audit],
})
class AppModule {}

async function main(): Promise<void> {
  const app = await ${app.create};
  app.useGlobalFilters(app.get(AuthExceptionFilter));
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  console.log('LISTENING');
}
void main();
`;
}

function writeApp(dir: string, app: ConsumerApp, tarball: string): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: app.name, private: true, version: '1.0.0', ...(app.esm ? { type: 'module' } : {}),
    dependencies: { 'nestjs-authkit': `file:${tarball}`, ...app.dependencies },
    devDependencies: TOOLS,
  }, null, 2));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      module: app.esm ? 'nodenext' : 'node16', moduleResolution: app.esm ? 'nodenext' : 'node16', target: 'es2022',
      strict: true, experimentalDecorators: true, emitDecoratorMetadata: true, skipLibCheck: true, outDir: 'dist', rootDir: 'src',
      types: ['node'],
    },
    include: ['src'],
  }, null, 2));
  writeFileSync(join(dir, 'src/main.ts'), appSource(app));
}

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, npm_config_loglevel: 'error' } });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`.slice(0, 4000));
  }
}

async function start(dir: string, port: number, keyPrefix: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), AUTH_JWT_SECRET: TEST_SECRET, KEY_PREFIX: keyPrefix, NODE_ENV: 'test' },
  });
  let output = '';
  await new Promise<void>((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('LISTENING')) {
        clearTimeout(timer);
        resolveStart();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code}:\n${output}`));
    });
  });
  return child;
}

/**
 * The packed tarball as a new user gets it, installed into fresh apps (Nest 11 + Express, Nest 11 + Fastify, Nest 12
 * as an ES module): `npm ls` is clean (no peer conflicts), the app type-checks and builds, starts, and a login,
 * a refresh and a `@Roles` request work against the suite's Redis. One npm cache for all; one install per app.
 */
describe('the packed tarball in fresh consumer apps', () => {
  let workdir: string;
  let tarball: string;

  beforeAll(async () => {
    workdir = mkdtempSync(join(tmpdir(), 'authkit-consumers-'));
    // `npm run build` and `npm pack`, once per run for every suite that needs them.
    tarball = await packedTarball();
  }, 120_000);

  afterAll(() => rmSync(workdir, { recursive: true, force: true }));

  it.each(APPS.map((app) => [app.name, app] as const))('%s: npm ls clean, builds, starts, login + refresh + @Roles + events', async (_name, app) => {
    const dir = join(workdir, app.name);
    writeApp(dir, app, tarball);
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], dir);
    run('npm', ['ls', '--all'], dir);
    run(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], dir);

    const port = await freePort();
    const child = await start(dir, port, `consumer${app.name.replace(/-/g, '')}`);
    try {
      const url = `http://127.0.0.1:${port}`;
      expect((await http(url, 'GET', '/')).body).toEqual({ ok: true });
      const email = uniqueEmail(app.name);
      expect((await http(url, 'POST', '/auth/register', { json: { email, password: PASSWORD } })).status).toBe(201);
      const login = await http(url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
      expect(login.status).toBe(200);
      // The library's events reach the app's @OnEvent listeners (@nestjs/event-emitter 3 on Nest 11, 12 on Nest 12).
      expect((await http(url, 'GET', '/audit')).body).toEqual({ logins: 1 });
      const refreshed = await http(url, 'POST', '/auth/refresh', { json: { refreshToken: login.body.refreshToken } });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.refreshToken).not.toBe(login.body.refreshToken);
      const profile = await http(url, 'GET', '/profile', { token: refreshed.body.accessToken });
      expect(profile.body).toMatchObject({ id: login.body.user.id, roles: ['user'] });
      const admin = await http(url, 'GET', '/admin', { token: refreshed.body.accessToken });
      expect(admin.status).toBe(403);
      expect(admin.body.code).toBe('insufficient_role');
      expect((await http(url, 'GET', '/admin')).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
  }, 240_000);
});

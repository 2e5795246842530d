import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

/** The version this repository installed (the npm cache has it: installs of it are local). */
function installed(name: string): string {
  return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/**
 * What the README's quick start tells an app of that Nest major to install next to the library (step 1:
 * `npm install nestjs-authkit @nestjs/config@4   # Nest 12: @nestjs/config@12`), as
 * dependencies: the apps install exactly that, so an unpinned package that resolves to an ESM-only 12.x in a Nest 11
 * app fails its Jest suite here.
 */
export function readmeInstall(major: 11 | 12): Record<string, string> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const line = /^npm install nestjs-authkit (.*?)\s+# Nest 12: (.*)$/m.exec(readme);
  if (!line) throw new Error("README: no 'npm install nestjs-authkit ...   # Nest 12: ...' line in the quick start");
  const packages = (list: string) => Object.fromEntries(list.trim().split(/\s+/).map((spec) => {
    const at = spec.lastIndexOf('@');
    if (at <= 0) throw new Error(`README: "${spec}" names no version (a Nest 11 app would get the latest, Nest 12's)`);
    return [spec.slice(0, at), spec.slice(at + 1)];
  }));
  return major === 11 ? packages(line[1]) : { ...packages(line[1]), ...packages(line[2]) };
}

/** A fresh app as `nest new` scaffolds it, plus what a team adds for the library, and how its own e2e suite runs. */
export interface ConsumerApp {
  name: string;
  nestMajor: 11 | 12;
  esm: boolean;
  platform: 'express' | 'fastify';
  /** The app's own test runner: Jest + ts-jest (the Nest 11 scaffold), Vitest (the Nest 12 ESM scaffold). */
  runner: 'jest' | 'vitest';
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/**
 * Nest 11 apps with the Nest 11 scaffold's test stack (Jest 30 + ts-jest 29, on this repository's versions: the npm
 * cache has them), and no `@nestjs/jwt` (the library signs with jsonwebtoken, its own dependency). The Express one also installs
 * the optional peers of `nestjs-authkit/passport`, so that subpath is loaded too.
 */
const NEST_11 = {
  dependencies: {
    '@nestjs/common': `^${installed('@nestjs/common')}`, '@nestjs/core': `^${installed('@nestjs/core')}`,
    '@nestjs/event-emitter': `^${installed('@nestjs/event-emitter')}`, 'reflect-metadata': '^0.2.2', rxjs: '^7.8.1',
    ...readmeInstall(11),
  },
  devDependencies: {
    '@nestjs/testing': `^${installed('@nestjs/testing')}`, '@types/jest': `^${installed('@types/jest')}`, '@types/node': '^20.19.0',
    '@types/supertest': `^${installed('@types/supertest')}`, jest: `^${installed('jest')}`, supertest: `^${installed('supertest')}`,
    'ts-jest': `^${installed('ts-jest')}`, typescript: `~${installed('typescript')}`,
  },
};

/**
 * Nest 12's default scaffold is an ES module tested with Vitest. (Its Jest variant cannot load a CommonJS package
 * that requires the ESM-only `@nestjs/common` 12 on Node 20: Jest's `require(esm)` needs Node 24.9; README
 * "Compatibility" says so.)
 */
const NEST_12 = {
  dependencies: {
    '@nestjs/common': '^12.0.1', '@nestjs/core': '^12.0.1', '@nestjs/event-emitter': '^12.0.0',
    '@nestjs/platform-express': '^12.0.1', 'reflect-metadata': '^0.2.2', rxjs: '^7.8.1', ...readmeInstall(12),
  },
  devDependencies: {
    '@nestjs/testing': '^12.0.1', '@types/node': '^20.19.0', '@types/supertest': '^7.0.0', supertest: '^7.0.0',
    typescript: `~${installed('typescript')}`, vite: '^8.0.0', vitest: '^4.1.2',
  },
};

export const CONSUMER_APPS: ConsumerApp[] = [
  {
    name: 'nest11-express', nestMajor: 11, esm: false, platform: 'express', runner: 'jest',
    dependencies: {
      ...NEST_11.dependencies, '@nestjs/platform-express': `^${installed('@nestjs/platform-express')}`,
      '@nestjs/passport': `^${installed('@nestjs/passport')}`, passport: `^${installed('passport')}`, 'passport-jwt': `^${installed('passport-jwt')}`,
    },
    devDependencies: NEST_11.devDependencies,
  },
  {
    name: 'nest11-fastify', nestMajor: 11, esm: false, platform: 'fastify', runner: 'jest',
    dependencies: { ...NEST_11.dependencies, '@nestjs/platform-fastify': `^${installed('@nestjs/platform-fastify')}` },
    devDependencies: NEST_11.devDependencies,
  },
  { name: 'nest12-esm', nestMajor: 12, esm: true, platform: 'express', runner: 'vitest', ...NEST_12 },
];

/** The module a team writes from the README: public, signed-in and admin routes, and a listener of the library's events. */
function appModule(): string {
  return `import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { AuthEvent, AuthModule, CurrentUser, Public, Roles, type AuthenticatedUser } from 'nestjs-authkit';

@Injectable()
export class Audit {
  logins = 0;
  @OnEvent(AuthEvent.LoginSucceeded) onLogin(): void { this.logins += 1; }
}

@Controller()
export class AppController {
  @Public() @Get() index() { return { ok: true }; }
  @Get('profile') profile(@CurrentUser() user: AuthenticatedUser) { return user; }
  @Roles('admin') @Get('admin') admin() { return { admin: true }; }
}

@Module({
  imports: [
    ConfigModule.forRoot({ ignoreEnvFile: true }),
    EventEmitterModule.forRoot(),
    AuthModule.forRoot({
      jwt: { secret: process.env.AUTH_JWT_SECRET as string },
      redis: { url: process.env.REDIS_URL as string, keyPrefix: process.env.AUTH_REDIS_PREFIX },
      refreshTokenTransport: 'both',
      passwordHashing: { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 },
    }),
  ],
  controllers: [AppController],
  providers: [Audit],
})
export class AppModule {}
`;
}

/** The app's own e2e suite, shaped like the scaffold's test/app.e2e-spec.ts. */
function e2eSpec(app: ConsumerApp): string {
  const js = app.esm ? '.js' : '';
  const fastify = app.platform === 'fastify';
  return `import { Test, type TestingModule } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
${fastify ? "import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';\n" : ''}import request from 'supertest';
import type { App } from 'supertest/types${js}';
import { AppModule, Audit } from './../src/app.module${js}';

const password = 'correct horse battery staple';

describe('nestjs-authkit in ${app.name} (e2e)', () => {
  let app: INestApplication<App>;

  beforeAll(async () => {
    const moduleFixture: TestingModule = await Test.createTestingModule({ imports: [AppModule] }).compile();
${fastify
    ? `    const fastifyApp = moduleFixture.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    await fastifyApp.init();
    await fastifyApp.getHttpAdapter().getInstance().ready();
    app = fastifyApp as unknown as INestApplication<App>;`
    : `    app = moduleFixture.createNestApplication();
    await app.init();`}
  });

  afterAll(async () => {
    await app.close();
  });

  it('GET / is public, /profile needs a token', async () => {
    await request(app.getHttpServer()).get('/').expect(200).expect({ ok: true });
    const refused = await request(app.getHttpServer()).get('/profile').expect(401);
    expect(refused.body.code).toBe('access_token_missing');
  });

  it('registers, signs in, refreshes; @Roles refuses a user; the login reaches @OnEvent', async () => {
    const email = \`${app.name}-\${Date.now()}@example.com\`;
    await request(app.getHttpServer()).post('/auth/register').send({ email, password }).expect(201);
    const login = await request(app.getHttpServer()).post('/auth/login').send({ email, password }).expect(200);
    expect(app.get(Audit).logins).toBe(1);
    const refreshed = await request(app.getHttpServer()).post('/auth/refresh').send({ refreshToken: login.body.refreshToken }).expect(200);
    expect(refreshed.body.refreshToken).not.toBe(login.body.refreshToken);
    const bearer = \`Bearer \${refreshed.body.accessToken}\`;
    const profile = await request(app.getHttpServer()).get('/profile').set('Authorization', bearer).expect(200);
    expect(profile.body).toMatchObject({ id: login.body.user.id, roles: ['user'] });
    const admin = await request(app.getHttpServer()).get('/admin').set('Authorization', bearer).expect(403);
    expect(admin.body.code).toBe('insufficient_role');
    await request(app.getHttpServer()).post('/auth/logout').set('Authorization', bearer).expect(204);
    await request(app.getHttpServer()).get('/profile').set('Authorization', bearer).expect(401);
  });
});
`;
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** The scaffold's tsconfig (module nodenext), the runner's config, the module and the e2e suite. */
export function writeConsumerApp(dir: string, app: ConsumerApp, tarball: string): void {
  const jest = app.runner === 'jest';
  write(join(dir, 'package.json'), JSON.stringify({
    name: app.name, version: '0.0.1', private: true, ...(app.esm ? { type: 'module' } : {}),
    scripts: { 'test:e2e': jest ? 'jest --config ./test/jest-e2e.json' : 'vitest run --config ./vitest.config.e2e.ts' },
    dependencies: { 'nestjs-authkit': `file:${tarball}`, ...app.dependencies },
    devDependencies: app.devDependencies,
  }, null, 2));
  write(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      module: 'nodenext', moduleResolution: 'nodenext', resolvePackageJsonExports: true, esModuleInterop: true, isolatedModules: true,
      declaration: true, removeComments: true, emitDecoratorMetadata: true, experimentalDecorators: true, allowSyntheticDefaultImports: true,
      target: 'ES2023', sourceMap: true, outDir: './dist', incremental: true, skipLibCheck: true, strict: true,
      strictPropertyInitialization: false, types: jest ? ['node', 'jest'] : ['vitest/globals', 'node'],
    },
  }, null, 2));
  if (jest) {
    write(join(dir, 'test/jest-e2e.json'), JSON.stringify({
      moduleFileExtensions: ['js', 'json', 'ts'], rootDir: '.', testEnvironment: 'node', testRegex: '.e2e-spec.ts$',
      transform: { '^.+\\.(t|j)s$': 'ts-jest' },
    }, null, 2));
  } else {
    write(join(dir, 'vitest.config.e2e.ts'), `import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: { globals: true, root: './', include: ['**/*.e2e-spec.ts'] },
});
`);
  }
  write(join(dir, 'src/app.module.ts'), appModule());
  write(join(dir, 'test/app.e2e-spec.ts'), e2eSpec(app));
}

import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { http, TEST_SECRET, uniqueEmail } from '../support/test-app';

const root = resolve(__dirname, '../..');

/** A code block of a document: where it is, and its code. */
interface Snippet {
  /** `readme`, or `docs-<page>` for docs/<page>.md. */
  source: string;
  line: number;
  code: string;
}

/** Every ```<language> block of a markdown file, with the line it starts on. */
function blocks(path: string, source: string, language: string): Snippet[] {
  const markdown = readFileSync(path, 'utf8');
  return [...markdown.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((match) => ({
    source, line: markdown.slice(0, match.index).split('\n').length, code: match[1],
  }));
}

/** Every ```ts block of README.md (first) and of docs/*.md. */
function snippets(): Snippet[] {
  const docs = readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).sort();
  return [
    ...blocks(join(root, 'README.md'), 'readme', 'ts'),
    ...docs.flatMap((name) => blocks(join(root, 'docs', name), `docs-${name.replace(/\.md$/, '')}`, 'ts')),
  ];
}

function fileOf(snippet: Snippet, index: number): string {
  return `${snippet.source}-${index}-line-${snippet.line}.ts`;
}

/**
 * What a README fragment takes for granted, declared only when the fragment uses it without importing it: the
 * app's `AppModule`, Nest's `NestFactory`, the library's `AuthModule`, an app's OAuth client credentials and options
 * (`jwt`, `redis`), the decorators a snippet shows in use (`Injectable`, `OnEvent`, class-validator's).
 */
const AMBIENT: Record<string, string> = {
  NestFactory: "import { NestFactory } from '@nestjs/core';",
  NestExpressApplication: "import type { NestExpressApplication } from '@nestjs/platform-express';",
  AuthModule: "import { AuthModule } from 'nestjs-authkit';",
  AppModule: 'declare class AppModule {}',
  clientID: 'declare const clientID: string;',
  clientSecret: 'declare const clientSecret: string;',
  jwt: "declare const jwt: { secret: string };",
  redis: "declare const redis: { url: string };",
  alert: 'declare function alert(message: string): void;',
  Injectable: "import { Injectable } from '@nestjs/common';",
  Logger: "import { Logger } from '@nestjs/common';",
  OnEvent: "import { OnEvent } from '@nestjs/event-emitter';",
  AuthEvent: "import { AuthEvent } from 'nestjs-authkit';",
  AuthEventPayloads: "import type { AuthEventPayloads } from 'nestjs-authkit';",
  AuthEventBase: "import type { AuthEventBase } from 'nestjs-authkit';",
  IsString: "import { IsString } from 'class-validator';",
  MaxLength: "import { MaxLength } from 'class-validator';",
  IsOptional: "import { IsOptional } from 'class-validator';",
  IsBoolean: "import { IsBoolean } from 'class-validator';",
  AuthModuleOptions: "import type { AuthModuleOptions } from 'nestjs-authkit';",
  OAuthOptions: "import type { OAuthOptions } from 'nestjs-authkit';",
  AuthHooks: "import type { AuthHooks } from 'nestjs-authkit';",
  AuthRejectedError: "import { AuthRejectedError } from 'nestjs-authkit';",
  TokenResponder: "import { TokenResponder } from 'nestjs-authkit';",
  DocumentBuilder: "import { DocumentBuilder } from '@nestjs/swagger';",
  SwaggerModule: "import { SwaggerModule } from '@nestjs/swagger';",
  app: "declare const app: import('@nestjs/common').INestApplication;",
  NestFastifyApplication: "import type { NestFastifyApplication } from '@nestjs/platform-fastify';",
  FastifyAdapter: "import { FastifyAdapter } from '@nestjs/platform-fastify';",
  dataSource: "declare const dataSource: import('typeorm').DataSource;",
  // An app's Jest suite (README "Testing your app"): Jest's globals.
  describe: "import { describe } from '@jest/globals';",
  it: "import { it } from '@jest/globals';",
  expect: "import { expect } from '@jest/globals';",
  beforeAll: "import { beforeAll } from '@jest/globals';",
  afterAll: "import { afterAll } from '@jest/globals';",
};

/** A fragment as a compilable module: its imports on top, its statements in an async function unless it exports. */
function asModule(code: string): string {
  // The app's own AppModule (`import { AppModule } from '../src/app.module'` in a test of the app) is declared below.
  const source = code.replace(/from '\.{1,2}\/examples\//g, `from '${root}/examples/`).replace(/^import \{ AppModule \} from '\.[^']*';\n/m, '');
  const imports = source.split('\n').filter((line) => /^import\s/.test(line));
  const body = source.split('\n').filter((line) => !/^import\s/.test(line)).join('\n');
  const imported = new Set(imports.flatMap((line) => [...line.matchAll(/\b([A-Za-z_$][\w$]*)\b/g)].map((m) => m[1])));
  const defined = new Set([...body.matchAll(/\b(?:class|const|let|function)\s+([A-Za-z_$][\w$]*)/g)].map((m) => m[1]));
  const ambient = Object.entries(AMBIENT)
    .filter(([name]) => !imported.has(name) && !defined.has(name) && new RegExp(`\\b${name}\\b`).test(body))
    .map(([, declaration]) => declaration);
  const wrapped = /^export\s/m.test(body) ? body : `export async function snippet(): Promise<unknown> {\n${body}\n  return undefined;\n}`;
  return [...imports, ...ambient, wrapped, ''].join('\n');
}

describe('README.md (and docs/)', () => {
  const dir = join(root, 'test', 'readme', `.snippets-${process.pid}`);
  const all = snippets();

  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    all.forEach((snippet, index) => writeFileSync(join(dir, fileOf(snippet, index)), asModule(snippet.code)));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has TypeScript snippets, the quick start\'s module first, and docs/ has some too', () => {
    expect(all.filter((snippet) => snippet.source === 'readme').length).toBeGreaterThanOrEqual(5);
    expect(all.filter((snippet) => snippet.source.startsWith('docs-')).length).toBeGreaterThanOrEqual(5);
    expect(all[0]).toMatchObject({ source: 'readme' });
    expect(all[0].code).toMatch(/export class AppModule/);
  });

  it('every TypeScript snippet compiles (strict, against the library as published: nestjs-authkit, /passport, /testing)', () => {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      extends: '../../../tsconfig.json',
      compilerOptions: { noEmit: true, noUnusedLocals: false, types: ['node'] },
      include: ['./*.ts'],
    }));
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], {
        cwd: root, encoding: 'utf8', stdio: 'pipe',
      });
    } catch (error) {
      throw new Error(`README / docs snippets do not compile:\n${(error as { stdout?: string }).stdout ?? error}`);
    }
  }, 120_000);

  describe('the quick start, followed: its module started with its .env, then its curl walkthrough', () => {
    let app: INestApplication;
    let url: string;
    const saved = { ...process.env };
    const readme = join(root, 'README.md');

    beforeAll(async () => {
      // The .env of the quick start, but the suite's secret and Redis (the README's secret is a placeholder).
      const [dotenv] = blocks(readme, 'readme', 'dotenv');
      for (const line of dotenv.code.split('\n').filter((entry) => /^[A-Z_]+=/.test(entry))) {
        const [name, ...value] = line.split('=');
        process.env[name] = value.join('=');
      }
      process.env.AUTH_JWT_SECRET = TEST_SECRET;
      process.env.REDIS_URL = saved.REDIS_URL;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { AppModule } = require(join(dir, fileOf(all[0], 0))) as { AppModule: new () => object };
      app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
      await app.listen(0, '127.0.0.1');
      url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    });

    afterAll(async () => {
      await app?.close();
      process.env = saved;
    });

    it('serves its public, signed-in and admin routes', async () => {
      expect((await http(url, 'GET', '/health')).status).toBe(200);
      expect((await http(url, 'GET', '/profile')).status).toBe(401);
      const registered = await http(url, 'POST', '/auth/register', { json: { email: uniqueEmail('readme'), password: 'correct horse battery staple' } });
      expect(registered.status).toBe(201);
      const profile = await http(url, 'GET', '/profile', { token: registered.body.accessToken });
      expect(profile.body).toMatchObject({ id: registered.body.user.id, roles: ['user'] });
      expect((await http(url, 'GET', '/admin', { token: registered.body.accessToken })).status).toBe(403);
    });

    it('the curl walkthrough runs as written: sign-up, sign-in, the protected route, refresh, sessions, logout, the admin', async () => {
      const walkthrough = blocks(readme, 'readme', 'bash').find((block) => block.code.includes('API=http://localhost:3000'));
      expect(walkthrough).toBeDefined();
      const script = walkthrough!.code
        .replace('API=http://localhost:3000', `API=${url}`)
        .replace(/ada@example\.com/g, uniqueEmail('ada'));
      const work = join(dir, 'walkthrough');
      mkdirSync(work, { recursive: true });
      // Asynchronously: the app answers from this very process.
      const { stdout: output } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { cwd: work, encoding: 'utf8', timeout: 60_000 });
      // One line per command that prints (the others keep a token in a variable).
      const answers = output.trim().split('\n');
      expect(answers).toHaveLength(8);
      const [registered, profile, anonymous, forbidden, sessions, logout, revoked, admin] = answers;
      expect(JSON.parse(registered)).toMatchObject({ tokenType: 'Bearer', user: { roles: ['user'] } });
      expect(JSON.parse(profile)).toMatchObject({ roles: ['user'], sessionId: expect.any(String) });
      expect(JSON.parse(anonymous)).toMatchObject({ statusCode: 401, code: 'access_token_missing' });
      expect(JSON.parse(forbidden)).toMatchObject({ statusCode: 403, code: 'insufficient_role' });
      expect(JSON.parse(sessions)).toEqual(expect.arrayContaining([expect.objectContaining({ current: true })]));
      expect(JSON.parse(sessions)).toHaveLength(2);
      expect(logout).toBe('204');
      expect(JSON.parse(revoked)).toMatchObject({ statusCode: 401, code: 'session_revoked' });
      expect(JSON.parse(admin)).toEqual({ admin: true });
      expect(readFileSync(join(work, 'jar.txt'), 'utf8')).not.toMatch(/authkit_rt\t\S+$/m); // logout cleared the cookie
    });
  });
});

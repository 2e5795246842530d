import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { http, TEST_SECRET, uniqueEmail } from '../support/test-app';

const root = resolve(__dirname, '../..');

/** Every ```ts block of README.md, with the line it starts on. */
function snippets(): { line: number; code: string }[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => ({
    line: readme.slice(0, match.index).split('\n').length,
    code: match[1],
  }));
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
};

/** A fragment as a compilable module: its imports on top, its statements in an async function unless it exports. */
function asModule(code: string): string {
  const source = code.replace(/from '\.\/examples\//g, `from '${root}/examples/`);
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

describe('README.md', () => {
  const dir = join(root, 'test', 'readme', `.snippets-${process.pid}`);
  const all = snippets();

  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    all.forEach((snippet, index) => writeFileSync(join(dir, `snippet-${index}-line-${snippet.line}.ts`), asModule(snippet.code)));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has TypeScript snippets, the main one first', () => {
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(all[0].code).toMatch(/export class AppModule/);
  });

  it('every TypeScript snippet compiles (strict, against the library as published: nestjs-authkit, /passport)', () => {
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
      throw new Error(`README snippets do not compile:\n${(error as { stdout?: string }).stdout ?? error}`);
    }
  }, 120_000);

  describe('the main snippet ("Add it to your app"), started', () => {
    let app: INestApplication;
    let url: string;
    const saved = { ...process.env };

    beforeAll(async () => {
      process.env.AUTH_JWT_SECRET = TEST_SECRET;
      process.env.REDIS_URL = saved.REDIS_URL;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { AppModule } = require(join(dir, `snippet-0-line-${all[0].line}.ts`)) as { AppModule: new () => object };
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
      expect((await http(url, 'GET', '/me')).status).toBe(401);
      const registered = await http(url, 'POST', '/auth/register', { json: { email: uniqueEmail('readme'), password: 'correct horse battery staple' } });
      expect(registered.status).toBe(201);
      const me = await http(url, 'GET', '/me', { token: registered.body.accessToken });
      expect(me.body).toMatchObject({ id: registered.body.user.id, roles: ['user'] });
      expect((await http(url, 'GET', '/admin', { token: registered.body.accessToken })).status).toBe(403);
    });
  });
});

import { join } from 'node:path';
import * as ts from 'typescript';

/**
 * What `tsc` says about an unknown option: each snippet below is compiled against lib/ (as an app's code would be)
 * and the message must name the bad key, for `forRoot` and for the object a `forRootAsync` factory returns, rather
 * than `not assignable to type 'never'` or another overload's complaint.
 */
const OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: true, noEmit: true, types: ['node'],
  experimentalDecorators: true, emitDecoratorMetadata: true, esModuleInterop: true,
};
const DIR = join(__dirname, '__typing-snippets__');
const HEADER = `import { ConfigModule, ConfigService } from '@nestjs/config';
import { AuthModule } from '../../../lib';
const secret = 'test-secret-that-is-at-least-32-bytes-long!';
`;

const SNIPPETS: Record<string, string> = {
  forRoot: `export const m = AuthModule.forRoot({ jwt: { secret }, accessTokenTtl: 60 });`,
  factory: `export const m = AuthModule.forRootAsync({
  imports: [ConfigModule], inject: [ConfigService],
  useFactory: (config: ConfigService) => ({ jwt: { secret: config.getOrThrow<string>('AUTH_JWT_SECRET') }, accessTokenTtl: 60 }),
});`,
  asyncFactory: `export const m = AuthModule.forRootAsync({ useFactory: async () => ({ jwt: { secret }, refreshTokenTtlSecond: 3600 }) });`,
  badValue: `export const m = AuthModule.forRootAsync({ useFactory: () => ({ jwt: { secret }, refreshTokenTransport: 'bothh' }) });`,
  badAsyncKey: `export const m = AuthModule.forRootAsync({ useClass: class { create() { return { jwt: { secret } }; } }, useFactoryy: () => ({}) });`,
  valid: `export const m = [
  AuthModule.forRootAsync({
    imports: [ConfigModule], inject: [ConfigService],
    useFactory: (config: ConfigService) => ({
      jwt: { secret: config.getOrThrow<string>('AUTH_JWT_SECRET') },
      accessTokenValidation: process.env.MODE === 'stateless' ? 'stateless' : 'session',
      refreshTokenTransport: 'both',
    }),
  }),
  AuthModule.forRootAsync({ useFactory: async () => ({ jwt: { secret }, cookie: { name: 'rt' } }), isGlobal: false, adminRoutes: true }),
  AuthModule.forRootAsync({ useClass: class { create() { return { jwt: { secret } }; } } }),
  AuthModule.forRoot({ jwt: { secret }, refreshTokenTransport: 'body', globalGuards: false }),
];`,
};

/** Each snippet's diagnostics, flattened to text, from one program over all of them. */
function compile(): Record<string, string> {
  const files = new Map(Object.entries(SNIPPETS).map(([name, code]) => [join(DIR, `${name}.ts`), HEADER + code]));
  const host = ts.createCompilerHost(OPTIONS);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => files.has(file) || fileExists.call(host, file);
  host.readFile = (file) => files.get(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, version, ...rest) =>
    files.has(file) ? ts.createSourceFile(file, files.get(file)!, version) : getSourceFile.call(host, file, version, ...rest);
  const program = ts.createProgram([...files.keys()], OPTIONS, host);
  const messages: Record<string, string> = {};
  for (const [file] of files) {
    const name = file.slice(DIR.length + 1, -3);
    messages[name] = ts.getPreEmitDiagnostics(program, program.getSourceFile(file))
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')).join('\n');
  }
  return messages;
}

describe('tsc messages for unknown options', () => {
  let messages: Record<string, string>;

  beforeAll(() => {
    messages = compile();
  }, 120_000);

  it('forRoot: names the key (an excess property of the options)', () => {
    expect(messages.forRoot).toMatch(/'accessTokenTtl' does not exist in type 'AuthModuleOptions/);
  });

  it('forRootAsync, a factory with inject: names the key, without never or another overload', () => {
    expect(messages.factory).toContain(`Type 'number' is not assignable to type '"'accessTokenTtl' is not an option of nestjs-authkit (a typo?)"'`);
    expect(messages.factory).not.toMatch(/'never'|No overload matches|Overload \d/);
  });

  it('forRootAsync, an async factory: names the key', () => {
    expect(messages.asyncFactory).toContain(`'refreshTokenTtlSecond' is not an option of nestjs-authkit (a typo?)`);
    expect(messages.asyncFactory).not.toMatch(/'never'|No overload matches/);
  });

  it('a wrong value of a real option names the option and its values', () => {
    expect(messages.badValue).toContain(`Types of property 'refreshTokenTransport' are incompatible`);
    expect(messages.badValue).toContain(`Type '"bothh"' is not assignable to type 'RefreshTokenTransport | undefined'`);
  });

  it('an unknown key of the forRootAsync options themselves is named too', () => {
    expect(messages.badAsyncKey).toContain(`'useFactoryy' does not exist in type`);
  });

  it('valid options compile: sync and async factories, literal unions inferred, useClass, forRoot', () => {
    expect(messages.valid).toBe('');
  });
});

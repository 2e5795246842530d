import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { AuthModule } from '../../lib';
import { resolveAuthOptions, type AuthModuleOptions } from '../../lib/auth.options';

const secret = 'test-secret-that-is-at-least-32-bytes-long!';

/** What starting an app with `AuthModule.forRoot(options)` does: options are validated when the module is built. */
async function startWith(options: AuthModuleOptions): Promise<void> {
  const moduleRef = await Test.createTestingModule({ imports: [AuthModule.forRoot(options)] }).compile();
  await moduleRef.close();
}

/** Options as they arrive from JSON or an untyped factory: a JSON `__proto__` is an own key, not the prototype. */
function fromJson(json: string): AuthModuleOptions {
  return JSON.parse(json) as AuthModuleOptions;
}

/**
 * Names of Object.prototype are not options: a check written as `key in known` (or `known[key]`) would take
 * `constructor`, `toString` or a JSON `__proto__` for documented keys and let them through silently.
 */
describe('unknown-option check: prototype names are unknown keys too', () => {
  it.each([
    ['constructor', `{"jwt":{"secret":"${secret}"},"constructor":{"name":"x"}}`],
    ['__proto__', `{"jwt":{"secret":"${secret}"},"__proto__":{"polluted":true}}`],
    ['toString', `{"jwt":{"secret":"${secret}"},"toString":"x"}`],
    ['hasOwnProperty', `{"jwt":{"secret":"${secret}"},"hasOwnProperty":1}`],
    ['jwt.constructor', `{"jwt":{"secret":"${secret}","constructor":1}}`],
    ['jwt.__proto__', `{"jwt":{"secret":"${secret}","__proto__":{"algorithm":"none"}}}`],
    ['cookie.valueOf', `{"jwt":{"secret":"${secret}"},"cookie":{"valueOf":1}}`],
    ['registration.__proto__', `{"jwt":{"secret":"${secret}"},"registration":{"__proto__":{"enabled":true}}}`],
    ['oauth.constructor', `{"jwt":{"secret":"${secret}"},"oauth":{"constructor":1}}`],
  ])('%s: resolveAuthOptions and AuthModule.forRoot refuse it, naming the key', async (key, json) => {
    const options = fromJson(json);
    expect(Object.keys(key.includes('.') ? (options as unknown as Record<string, object>)[key.split('.')[0]] : options))
      .toContain(key.split('.').pop());
    const named = new RegExp(`"?${key.replace(/[.$]/g, '\\$&')}"?.*not an option`);
    expect(() => resolveAuthOptions(options)).toThrow(TypeError);
    expect(() => resolveAuthOptions(options)).toThrow(named);
    await expect(startWith(options)).rejects.toThrow(named);
  });

  it('a JSON __proto__ leaves Object.prototype untouched, and options without such keys still resolve', async () => {
    expect(() => resolveAuthOptions(fromJson(`{"jwt":{"secret":"${secret}"},"__proto__":{"polluted":true}}`))).toThrow();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => resolveAuthOptions(fromJson(`{"jwt":{"secret":"${secret}"},"cookie":{"name":"rt"}}`))).not.toThrow();
    await expect(startWith(fromJson(`{"jwt":{"secret":"${secret}"}}`))).resolves.toBeUndefined();
  });
});

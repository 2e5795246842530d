import 'reflect-metadata';
import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import fc from 'fast-check';
import { authValidationPipe } from '../../../lib/core/http/auth-validation.pipe';
import { RefreshDto } from '../../../lib/core/sessions/sessions.dto';

/** RefreshDto's fields without its `isValidAsIs`: every body takes the full pipe. */
class FullPathRefreshDto {
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  refreshToken?: string;
}

const asBody = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype, data: undefined });

/** What the pipe made of `value`: the instance's own fields, or the error's code and details. */
async function outcome(value: unknown, metatype: ArgumentMetadata['metatype']): Promise<unknown> {
  try {
    const result = await authValidationPipe.transform(value, asBody(metatype));
    return { ok: result instanceof (metatype as new () => object), fields: { ...(result as object) } };
  } catch (error) {
    return { error: (error as { code?: string }).code, details: (error as { details?: unknown }).details };
  }
}

describe('authValidationPipe: the as-is path of the refresh body', () => {
  afterEach(() => jest.restoreAllMocks());

  it('takes `{ refreshToken: <string> }` without class-transformer or class-validator, as a RefreshDto', async () => {
    const full = jest.spyOn(ValidationPipe.prototype, 'transform');
    const token = `${'a'.repeat(22)}.${'b'.repeat(22)}.${'c'.repeat(43)}.${'d'.repeat(22)}`;
    const result = await authValidationPipe.transform(JSON.parse(JSON.stringify({ refreshToken: token })), asBody(RefreshDto));
    expect(result).toBeInstanceOf(RefreshDto);
    expect({ ...(result as RefreshDto) }).toEqual({ refreshToken: token });
    expect(full).not.toHaveBeenCalled();
  });

  it.each([
    ['no body', undefined],
    ['an empty body', {}],
    ['an extra field', { refreshToken: 'a.b.c', userId: 'admin' }],
    ['a __proto__ key', JSON.parse('{"refreshToken":"a","__proto__":{"admin":true}}')],
    ['a number', { refreshToken: 1 }],
    ['a string of 1025 units', { refreshToken: 'a'.repeat(1025) }],
    ['a lone surrogate', { refreshToken: 'a\ud800' }],
    ['an object that is not plain', Object.assign(Object.create({ inherited: 1 }), { refreshToken: 'a' })],
  ])('%s is not accepted as is', async (_name, value) => {
    const full = jest.spyOn(ValidationPipe.prototype, 'transform');
    await authValidationPipe.transform(value, asBody(RefreshDto)).catch(() => undefined);
    // The lone surrogate and the __proto__ key are refused before the full pipe (hasForbiddenKeys), as before.
    if (_name === 'a lone surrogate' || _name === 'a __proto__ key') expect(full).not.toHaveBeenCalled();
    else expect(full).toHaveBeenCalledTimes(1);
  });

  it('answers every body exactly as the full pipe does (fast-check)', async () => {
    const key = fc.constantFrom('refreshToken', 'userId', '__proto__', 'constructor');
    const value = fc.oneof(
      fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ minLength: 1020, maxLength: 1030 }),
      fc.jsonValue({ maxDepth: 2 }), fc.constant('a\udc00b'),
    );
    const body = fc.oneof(
      fc.record({ refreshToken: value }),
      fc.dictionary(key, value, { maxKeys: 3 }).map((v) => JSON.parse(JSON.stringify(v))),
      fc.jsonValue({ maxDepth: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (candidate) => {
        const fast = await outcome(candidate, RefreshDto);
        const full = await outcome(candidate, FullPathRefreshDto);
        expect(fast).toEqual(full);
      }),
      { numRuns: 400 },
    );
  });
});

import {
  booleanOption, failOption, nonNegativeNumber, objectOption, oneOf, optionError, ownedObject, positiveInteger, rejectUnknownKeys, stringArray,
} from '../../../lib/core/options/options.validation';

/** The option helpers every feature's options go through: what they accept, what they refuse, and the message. */
const refused = (run: () => unknown, message: string) => {
  let error: unknown;
  try {
    run();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(TypeError);
  expect((error as TypeError).message).toBe(message);
};

describe('options validation', () => {
  it('optionError names the option and keeps a cause only when there is one', () => {
    const error = optionError('jwt.secret', 'is too short');
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('nestjs-authkit: option "jwt.secret" is too short');
    expect('cause' in error).toBe(false);
    const cause = new Error('inner');
    expect(optionError('a', 'b', cause).cause).toBe(cause);
    refused(() => failOption('x.y', 'is wrong'), 'nestjs-authkit: option "x.y" is wrong');
  });

  it('positiveInteger: safe integers > 0, the fallback only when absent', () => {
    expect(positiveInteger(1, 'n')).toBe(1);
    expect(positiveInteger(Number.MAX_SAFE_INTEGER, 'n')).toBe(Number.MAX_SAFE_INTEGER);
    expect(positiveInteger(undefined, 'n', 7)).toBe(7);
    expect(positiveInteger(3, 'n', 7)).toBe(3);
    refused(() => positiveInteger(undefined, 'n'), 'nestjs-authkit: option "n" must be a positive integer (got undefined)');
    refused(() => positiveInteger(0, 'n', 7), 'nestjs-authkit: option "n" must be a positive integer (got 0)');
    refused(() => positiveInteger(-1, 'n'), 'nestjs-authkit: option "n" must be a positive integer (got -1)');
    refused(() => positiveInteger(1.5, 'n'), 'nestjs-authkit: option "n" must be a positive integer (got 1.5)');
    refused(() => positiveInteger(2 ** 53, 'n'), `nestjs-authkit: option "n" must be a positive integer (got ${2 ** 53})`);
    refused(() => positiveInteger('5', 'n'), 'nestjs-authkit: option "n" must be a positive integer (got "5")');
    refused(() => positiveInteger(null, 'n', 7), 'nestjs-authkit: option "n" must be a positive integer (got null)');
  });

  it('nonNegativeNumber: finite numbers >= 0, the fallback when absent', () => {
    expect(nonNegativeNumber(0, 'n', 5)).toBe(0);
    expect(nonNegativeNumber(0.5, 'n', 5)).toBe(0.5);
    expect(nonNegativeNumber(undefined, 'n', 5)).toBe(5);
    refused(() => nonNegativeNumber(-0.1, 'n', 5), 'nestjs-authkit: option "n" must be a non-negative number (got -0.1)');
    refused(() => nonNegativeNumber(Infinity, 'n', 5), 'nestjs-authkit: option "n" must be a non-negative number (got null)');
    refused(() => nonNegativeNumber(NaN, 'n', 5), 'nestjs-authkit: option "n" must be a non-negative number (got null)');
    refused(() => nonNegativeNumber('1', 'n', 5), 'nestjs-authkit: option "n" must be a non-negative number (got "1")');
    refused(() => nonNegativeNumber(null, 'n', 5), 'nestjs-authkit: option "n" must be a non-negative number (got null)');
  });

  it('booleanOption: booleans only, the fallback when absent', () => {
    expect(booleanOption(false, 'b', true)).toBe(false);
    expect(booleanOption(true, 'b', false)).toBe(true);
    expect(booleanOption(undefined, 'b', true)).toBe(true);
    expect(booleanOption(undefined, 'b', false)).toBe(false);
    refused(() => booleanOption('true', 'b', false), 'nestjs-authkit: option "b" must be a boolean (got "true")');
    refused(() => booleanOption(0, 'b', false), 'nestjs-authkit: option "b" must be a boolean (got 0)');
  });

  it('oneOf: one of the allowed strings, listed in the message', () => {
    const modes = ['strict', 'lax', 'none'] as const;
    expect(oneOf('lax', 'm', modes, 'strict')).toBe('lax');
    expect(oneOf(undefined, 'm', modes, 'none')).toBe('none');
    refused(() => oneOf('Lax', 'm', modes, 'strict'), `nestjs-authkit: option "m" must be 'strict', 'lax' or 'none' (got "Lax")`);
    refused(() => oneOf(1, 'm', modes, 'strict'), `nestjs-authkit: option "m" must be 'strict', 'lax' or 'none' (got 1)`);
    refused(() => oneOf('c', 'm', ['a', 'b'], 'a'), `nestjs-authkit: option "m" must be 'a' or 'b' (got "c")`);
    // A prototype name is not an allowed value.
    refused(() => oneOf('constructor', 'm', ['a'], 'a'), `nestjs-authkit: option "m" must be 'a' (got "constructor")`);
  });

  it('objectOption: plain objects only; undefined stays undefined', () => {
    const value = { a: 1 };
    expect(objectOption(value, 'o')).toBe(value);
    expect(objectOption(undefined, 'o')).toBeUndefined();
    for (const bad of [null, [], 'x', 1, true]) refused(() => objectOption(bad as unknown as object, 'o'), 'nestjs-authkit: option "o" must be an object');
  });

  it('stringArray: non-empty strings, a copy (never the caller\'s array or the fallback itself)', () => {
    const fallback = ['a'];
    const fromFallback = stringArray(undefined, 's', fallback);
    expect(fromFallback).toEqual(['a']);
    expect(fromFallback).not.toBe(fallback);
    const given = ['x', 'y'];
    const copy = stringArray(given, 's', fallback);
    expect(copy).toEqual(['x', 'y']);
    expect(copy).not.toBe(given);
    expect(stringArray([], 's', fallback)).toEqual([]);
    for (const bad of ['x', null, [''], ['x', 1], [undefined], { length: 0 }]) {
      refused(() => stringArray(bad, 's', fallback), 'nestjs-authkit: option "s" must be an array of non-empty strings');
    }
  });

  it('rejectUnknownKeys: refuses, with its full path, any key that is not an own key of the known list', () => {
    const known = { a: true, b: true } as const;
    expect(() => rejectUnknownKeys({ a: 1, b: 2 }, 'opts', known)).not.toThrow();
    expect(() => rejectUnknownKeys({}, 'opts', known)).not.toThrow();
    refused(() => rejectUnknownKeys({ a: 1, c: 2 }, 'opts', known), 'nestjs-authkit: option "opts.c" is not an option of nestjs-authkit (a typo?)');
    refused(() => rejectUnknownKeys({ c: 2 }, '', known), 'nestjs-authkit: option "c" is not an option of nestjs-authkit (a typo?)');
    refused(() => rejectUnknownKeys({ constructor: 1 }, 'opts', known), 'nestjs-authkit: option "opts.constructor" is not an option of nestjs-authkit (a typo?)');
    refused(() => rejectUnknownKeys({ toString: 1 }, 'opts', known), 'nestjs-authkit: option "opts.toString" is not an option of nestjs-authkit (a typo?)');
    refused(() => rejectUnknownKeys(JSON.parse('{"__proto__": {}}'), 'opts', known), 'nestjs-authkit: option "opts.__proto__" is not an option of nestjs-authkit (a typo?)');
    // Not an object: nothing to check here (objectOption reports it).
    for (const value of [null, undefined, 'abc', 1, ['c']]) expect(() => rejectUnknownKeys(value, 'opts', known)).not.toThrow();
  });

  it('ownedObject: an object with known keys only, undefined when absent', () => {
    const known = { a: true } as const;
    const value = { a: 1 };
    expect(ownedObject(value, 'o', known)).toBe(value);
    expect(ownedObject(undefined, 'o', known)).toBeUndefined();
    refused(() => ownedObject({ a: 1, b: 2 } as { a: number }, 'o', known), 'nestjs-authkit: option "o.b" is not an option of nestjs-authkit (a typo?)');
    refused(() => ownedObject([] as unknown as { a: number }, 'o', known), 'nestjs-authkit: option "o" must be an object');
  });
});

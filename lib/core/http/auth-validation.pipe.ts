import { type ArgumentMetadata, HttpException, ValidationPipe } from '@nestjs/common';
import { AuthError, ValidationFailedError } from '../errors/auth.errors';

/** Keys that could reach an object's prototype in careless code; never valid in an auth body. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 32;
/** A lone UTF-16 surrogate: not text (it crashes some validators and hashes like U+FFFD). */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * True when `value` holds a forbidden key, or a key or string that is not well-formed Unicode, at any
 * depth (or is nested deeper than any auth body needs).
 */
export function hasForbiddenKeys(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (value === null || typeof value !== 'object') return false;
  if (depth > MAX_DEPTH) return true;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key) || LONE_SURROGATE.test(key)) return true;
    if (hasForbiddenKeys((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

/**
 * A DTO class may answer, for the common body of a hot route, that `value` is valid as it is
 * (`static isValidAsIs(value)`): the pipe then skips class-transformer and class-validator and returns an
 * instance with those fields. It must accept only bodies the full pipe accepts unchanged (a strict subset:
 * anything else, valid or not, takes the full path and gets its exact answer).
 */
export interface ValidAsIs {
  isValidAsIs(value: unknown): boolean;
}

function validAsIs(metadata: ArgumentMetadata): (new () => object) | undefined {
  const type = metadata.metatype as (ArgumentMetadata['metatype'] & Partial<ValidAsIs>) | undefined;
  return metadata.type === 'body' && typeof type?.isValidAsIs === 'function' ? (type as unknown as new () => object) : undefined;
}

/** A plain object (what `JSON.parse` makes) whose own keys are exactly `keys`, in any order. */
export function hasExactlyKeys(value: unknown, keys: readonly string[]): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  const own = Object.keys(value);
  return own.length === keys.length && own.every((key) => keys.includes(key));
}

/** A string of at most `max` UTF-16 units and no lone surrogate (the checks `hasForbiddenKeys` and `@MaxLength` make). */
export function isCleanString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max && !LONE_SURROGATE.test(value);
}

/**
 * `ValidationPipe` (whitelist, forbidNonWhitelisted, transform) hardened for hostile bodies: it first
 * refuses `__proto__`, `constructor` or `prototype` keys at any depth (the whitelist does not see a
 * `__proto__` key that `JSON.parse` created as an own property) and strings with lone surrogates; and a
 * validator that throws on odd input (validator.js' `isEmail` throws `URIError` on a lone surrogate)
 * yields 400 `validation_failed`, never 500.
 */
export class AuthValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const fast = validAsIs(metadata);
    if (fast && (fast as unknown as ValidAsIs).isValidAsIs(value)) return Object.assign(new fast(), value);
    if (metadata.type === 'body' && hasForbiddenKeys(value)) {
      throw new ValidationFailedError(['body contains a forbidden key or malformed text']);
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof AuthError || error instanceof HttpException) throw error;
      throw new ValidationFailedError([`${metadata.data ?? metadata.type} is invalid`]);
    }
  }
}

/** The validation every auth controller uses: whitelisted DTOs, errors as `ValidationFailedError` (field names, never values). */
export const authValidationPipe = new AuthValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) =>
    new ValidationFailedError(
      errors.flatMap((e) => (e.constraints ? Object.values(e.constraints) : [`${e.property} is invalid`])),
    ),
});

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
 * `ValidationPipe` (whitelist, forbidNonWhitelisted, transform) hardened for hostile bodies: it first
 * refuses `__proto__`, `constructor` or `prototype` keys at any depth (the whitelist does not see a
 * `__proto__` key that `JSON.parse` created as an own property) and strings with lone surrogates; and a
 * validator that throws on odd input (validator.js' `isEmail` throws `URIError` on a lone surrogate)
 * yields 400 `validation_failed`, never 500.
 */
export class AuthValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
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

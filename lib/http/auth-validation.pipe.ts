import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { ValidationFailedError } from '../auth.errors';

/** Keys that could reach an object's prototype in careless code; never valid in an auth body. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 32;

/** True when `value` holds a forbidden key at any depth (or is nested deeper than anyone needs). */
export function hasForbiddenKeys(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth > MAX_DEPTH) return true;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return true;
    if (hasForbiddenKeys((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

/**
 * `ValidationPipe` (whitelist, forbidNonWhitelisted, transform) that first refuses bodies with
 * `__proto__`, `constructor` or `prototype` keys at any depth: the whitelist does not see a
 * `__proto__` key that `JSON.parse` created as an own property. Errors are `ValidationFailedError`.
 */
export class AuthValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && hasForbiddenKeys(value)) {
      throw new ValidationFailedError(['body contains a forbidden key']);
    }
    return super.transform(value, metadata);
  }
}

/**
 * The one validation helper every feature's options use: each failure is a `TypeError` that names the option,
 * so a misconfigured app refuses to start with a message saying what to fix.
 */
export function optionError(option: string, problem: string, cause?: unknown): TypeError {
  return new TypeError(`nestjs-authkit: option "${option}" ${problem}`, cause === undefined ? undefined : { cause });
}

/** Throws `optionError(option, problem)`. */
export function failOption(option: string, problem: string): never {
  throw optionError(option, problem);
}

/** A positive safe integer, or `fallback` when absent. */
export function positiveInteger(value: unknown, option: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    failOption(option, `must be a positive integer (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** A finite number >= 0, or `fallback` when absent. */
export function nonNegativeNumber(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    failOption(option, `must be a non-negative number (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** A boolean, or `fallback` when absent. */
export function booleanOption(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') failOption(option, `must be a boolean (got ${JSON.stringify(value)})`);
  return value;
}

/** One of `allowed`, or `fallback` when absent. */
export function oneOf<T extends string>(value: unknown, option: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    failOption(option, `must be ${allowed.map((a) => `'${a}'`).join(', ').replace(/, ([^,]*)$/, ' or $1')} (got ${JSON.stringify(value)})`);
  }
  return value as T;
}

/** A plain object (not null, not an array), or undefined when absent. */
export function objectOption<T extends object>(value: T | undefined, option: string): T | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) failOption(option, 'must be an object');
  return value;
}

/** An array of non-empty strings, or `fallback` when absent. */
export function stringArray(value: unknown, option: string, fallback: string[]): string[] {
  if (value === undefined) return [...fallback];
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string' || entry === '')) {
    failOption(option, 'must be an array of non-empty strings');
  }
  return [...(value as string[])];
}

/**
 * Every key of an options interface, as an object literal: `tsc` refuses a list that misses a key of `T` or names
 * one it lacks, so the runtime check of unknown keys cannot drift from the types.
 */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: true };

/**
 * Refuses (naming it) any key of the object `value` at `option` that is not an own key of `known`: a typo is not
 * ignored, and neither is a prototype name (`constructor`, `toString`, a JSON `__proto__`).
 */
export function rejectUnknownKeys(value: unknown, option: string, known: OptionKeys<object>): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(known, key)) failOption(option ? `${option}.${key}` : key, 'is not an option of nestjs-authkit (a typo?)');
  }
}

/**
 * `objectOption` that also refuses unknown keys: what every options object the library owns goes through, so a
 * typo at any depth (`mail.url` for `mail.smtpUrl`) stops the app with the option's full path.
 */
export function ownedObject<T extends object>(value: T | undefined, option: string, known: OptionKeys<T>): T | undefined {
  const object = objectOption(value, option);
  rejectUnknownKeys(object, option, known);
  return object;
}

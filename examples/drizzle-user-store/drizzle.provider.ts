import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { schema } from './schema';

/** The app's Drizzle database (node-postgres), as the stores inject it: `{ provide: DRIZZLE, useFactory: () => drizzle(pool, { schema }) }`. */
export const DRIZZLE = Symbol('DRIZZLE');
export type Database = NodePgDatabase<typeof schema>;

/** PostgreSQL's `unique_violation`, on the driver's error or on the `cause` of Drizzle's `DrizzleQueryError`. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code ?? (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return code === '23505';
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

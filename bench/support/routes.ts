import type { AppProcess } from './app-process';
import type { Fixtures } from './fixtures';
import { bearer, login } from './http-client';
import type { LoadSpec } from './load';
import { RefreshPool } from './refresh-pool';

/** One measured row of rows 1-6 (and their variants 1c-6c, 1f-6f): a route of one of the bench apps, loaded by autocannon. */
export interface Route {
  id: string;
  route: string;
  /** The app process that serves it. */
  app: AppProcess;
  /**
   * The row it is measured against, in adjacent slices: the same app's `GET /` for most rows, the guarded
   * route for `@Roles` (its target is relative to that); absent for the open routes themselves.
   */
  ceiling?: string;
  /** Runs before every load of the route, unmeasured. */
  prepare?: () => Promise<void>;
  /** Back-to-back alternations with `ceiling` per round (each 1/n of a slice); 1 when absent. */
  alternations?: number;
  spec: Omit<LoadSpec, 'connections' | 'durationSeconds'>;
}

/** What the routes are requested with. */
export interface RouteInputs {
  sessionApp: AppProcess;
  statelessApp: AppProcess;
  /** An access token of a user with role `user` (rows 1-3, 5b). */
  userToken: string;
  /** An API key of the user of `userToken` (row 2k). */
  apiKey: string;
  /** An access token of a user with role `admin` (row 4). */
  adminToken: string;
  /** A token of the docs recipe (row 5). */
  recipeToken: string;
  /** Refresh tokens of row 6. */
  refreshPool: RefreshPool;
  /** The default-mode app on the Redis Cluster (rows 1c, 2c, 6c). */
  cluster: VariantApp;
  /** The default-mode app on Fastify, on the same redis-server as rows 1-6 (rows 1f, 2f, 6f). */
  fastify: VariantApp;
}

/** Another default-mode bench app that rows 1, 2 and 6 are repeated on, its user's access token and refresh tokens. */
export interface VariantApp {
  app: AppProcess;
  userToken: string;
  refreshPool: RefreshPool;
}

/** A variant app's inputs: `user@bench.test` signed in through it, and a filled refresh pool of its own on `fixtures`' Redis. */
export async function variantApp(app: AppProcess, fixtures: Fixtures, connections: number): Promise<VariantApp> {
  const refreshPool = new RefreshPool(fixtures, connections, `${app.name}-pool`);
  await refreshPool.fill();
  return { app, userToken: (await login(app, 'user@bench.test')).accessToken, refreshPool };
}

/** How a variant's rows name its app: `app` after "the app", `rows` after "as row 2,". */
interface VariantWording {
  app: string;
  rows: string;
}

/**
 * Rows 1, 2 and 6 repeated on a variant app (ids suffixed with `suffix`): its own `GET /` with the same header
 * is the ceiling of the other two (as row 1s is row 3's: same code, other process).
 */
function variantRoutes(suffix: string, wording: VariantWording, { app, userToken, refreshPool }: VariantApp): Route[] {
  const open = `1${suffix}`;
  return [
    {
      id: open,
      route: `\`GET /\` of the app ${wording.app}, same header: rows 2${suffix} and 6${suffix}'s ceiling`,
      app,
      spec: { url: `${app.url}/`, headers: bearer(userToken) },
    },
    {
      id: `2${suffix}`,
      route: `\`GET /guarded\` as row 2, ${wording.rows} (x row ${open})`,
      app,
      ceiling: open,
      spec: { url: `${app.url}/guarded`, headers: bearer(userToken) },
    },
    {
      id: `6${suffix}`,
      route: `\`POST /auth/refresh\` as row 6, ${wording.rows} (x row ${open})`,
      app,
      ceiling: open,
      spec: { url: `${app.url}/auth/refresh`, requests: refreshPool.requests() },
      prepare: () => refreshPool.fill(),
    },
  ];
}

/**
 * Rows 1-6, in their order of measurement. The open routes are requested with the same Authorization
 * header as the guarded rows (the public route ignores it), so that a row's ratio is what the library's
 * guard costs, not what 370 more request bytes cost the HTTP stack; row 1n shows the same route without the header.
 */
export function benchRoutes({ sessionApp, statelessApp, userToken, apiKey, adminToken, recipeToken, refreshPool, cluster, fastify }: RouteInputs): Route[] {
  return [
    {
      id: '1',
      route: '`GET /` open route (`@Public()`), same `Authorization` header as row 2: the ceiling',
      app: sessionApp,
      spec: { url: `${sessionApp.url}/`, headers: bearer(userToken) },
    },
    {
      id: '1n',
      route: '`GET /` open route, no `Authorization` header (for comparison; x row 1)',
      app: sessionApp,
      ceiling: '1',
      spec: { url: `${sessionApp.url}/` },
    },
    {
      id: '1s',
      route: '`GET /` of the stateless-mode app, same header: row 3\'s own ceiling (same code, other process)',
      app: statelessApp,
      spec: { url: `${statelessApp.url}/`, headers: bearer(userToken) },
    },
    {
      id: '2',
      route: '`GET /guarded` `AccessTokenGuard`, default mode (signature + session check, one Redis command)',
      app: sessionApp,
      ceiling: '1',
      spec: { url: `${sessionApp.url}/guarded`, headers: bearer(userToken) },
    },
    {
      id: '2k',
      route: '`GET /keyed` `@AllowApiKey()`, an API key instead of the access token (checksum + one Redis script: key, owner, throttle)',
      app: sessionApp,
      ceiling: '1',
      spec: { url: `${sessionApp.url}/keyed`, headers: bearer(apiKey) },
    },
    {
      id: '3',
      route: "`GET /guarded` `AccessTokenGuard`, `accessTokenValidation: 'stateless'` (x row 1s); measured alternating with row 1s",
      app: statelessApp,
      ceiling: '1s',
      alternations: 4,
      spec: { url: `${statelessApp.url}/guarded`, headers: bearer(userToken) },
    },
    {
      id: '4',
      route: "`GET /admin` `@Roles('admin')` (+ session check); measured alternating with row 2",
      app: sessionApp,
      ceiling: '2',
      alternations: 4,
      spec: { url: `${sessionApp.url}/admin`, headers: bearer(adminToken) },
    },
    {
      id: '5',
      route: "reference: NestJS docs recipe, passport-jwt `AuthGuard('jwt')`, string secret",
      app: sessionApp,
      ceiling: '1',
      spec: { url: `${sessionApp.url}/recipe`, headers: bearer(recipeToken) },
    },
    {
      id: '5b',
      route: "`AuthGuard('authkit-jwt')`: the library's passport strategy (KeyObject + session check)",
      app: sessionApp,
      ceiling: '1',
      spec: { url: `${sessionApp.url}/passport`, headers: bearer(userToken) },
    },
    {
      id: '6',
      route: '`POST /auth/refresh`, a fresh refresh token each request (real rotation)',
      app: sessionApp,
      ceiling: '1',
      spec: { url: `${sessionApp.url}/auth/refresh`, requests: refreshPool.requests() },
      prepare: () => refreshPool.fill(),
    },
    // The same routes on a Redis Cluster (3 masters + 3 replicas), against that app's own GET / (as row 3 against 1s).
    ...variantRoutes('c', { app: 'on a Redis Cluster (3 masters + 3 replicas)', rows: 'on the Redis Cluster' }, cluster),
    // And on Fastify (`@nestjs/platform-fastify`, standalone Redis), against that app's own GET /.
    ...variantRoutes('f', { app: 'on Fastify (`@nestjs/platform-fastify`)', rows: 'on Fastify' }, fastify),
  ];
}

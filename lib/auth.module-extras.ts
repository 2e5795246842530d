/** Options of `forRoot`/`forRootAsync` that shape the module itself, so they cannot be async. */
export interface AuthModuleExtras {
  /** Make the module's providers (guards, services) injectable everywhere. Default true. */
  isGlobal?: boolean;
  /** Register `AccessTokenGuard` and `RolesGuard` as global guards. Default true. */
  globalGuards?: boolean;
  /** Mount `AuthController` (and the OAuth routes). Default true. */
  controller?: boolean;
  /** Path of the auth routes. Default `auth`. */
  routePrefix?: string;
  /**
   * Mount the admin routes under `<routePrefix>/admin` (users' roles, disable/enable, sessions, deletion),
   * for the `admin` role. Default false (`AuthAdminService` is available either way).
   */
  adminRoutes?: boolean;
}

export const AUTH_MODULE_EXTRAS_DEFAULTS: Required<AuthModuleExtras> = {
  isGlobal: true,
  globalGuards: true,
  controller: true,
  routePrefix: 'auth',
  adminRoutes: false,
};

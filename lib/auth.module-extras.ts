import type { AuthFeature } from './core/feature/auth-feature';

/** Options of `forRoot`/`forRootAsync` that shape the module itself, so they cannot be async. */
export interface AuthModuleExtras {
  /** Make the module's providers (guards, services) injectable everywhere. Default true. */
  isGlobal?: boolean;
  /** Register `AccessTokenGuard` and `RolesGuard` as global guards. Default true. */
  globalGuards?: boolean;
  /** Mount the library's controllers (the kernel's and every feature's routes). Default true. */
  controller?: boolean;
  /** Path of the auth routes. Default `auth`. */
  routePrefix?: string;
  /**
   * Mount the admin routes under `<routePrefix>/admin` (users' roles, disable/enable, sessions, deletion),
   * for the `admin` role. Default false (`AuthAdminService` is available either way).
   */
  adminRoutes?: boolean;
  /**
   * The app's own features (`AuthFeature`: providers, routes, sign-in steps), composed after the library's
   * (password, OAuth, account recovery, admin). Default none.
   */
  features?: AuthFeature[];
}

export const AUTH_MODULE_EXTRAS_DEFAULTS: Required<AuthModuleExtras> = {
  isGlobal: true,
  globalGuards: true,
  controller: true,
  routePrefix: 'auth',
  adminRoutes: false,
  features: [],
};

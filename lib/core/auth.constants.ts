/** Metadata key set by `@Public()`. */
export const IS_PUBLIC_KEY = 'authkit:public';
/** Metadata key set by `@Roles()`. */
export const ROLES_KEY = 'authkit:roles';
/** Injection token of the ioredis client the library's Redis adapters use. */
export const AUTHKIT_REDIS = Symbol('authkit:redis');
/** Injection token of the resolved (validated, defaulted) options. */
export const RESOLVED_AUTH_OPTIONS = Symbol('authkit:resolved-options');
/** Name of the passport strategy registered by the module (see `AuthkitJwtStrategy`). */
export const AUTHKIT_JWT_STRATEGY = 'authkit-jwt';
/** Injection token of the options given to `forRoot` / returned by the `forRootAsync` factory (before validation). */
export const AUTH_MODULE_OPTIONS = Symbol('authkit:module-options');
/** Metadata key set by `@OptionalAuth()`. */
export const OPTIONAL_AUTH_KEY = 'authkit:optional-auth';
/** Class metadata of the guards that authenticate by the library's access token (`AccessTokenGuard`, `AuthkitAuthGuard()`), for the OpenAPI pass. */
export const AUTHENTICATING_GUARD_KEY = 'authkit:authenticating-guard';

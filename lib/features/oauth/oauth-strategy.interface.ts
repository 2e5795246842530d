import type { OAuthStrategy } from '../../core/sign-in/oauth-sources';

/** Declared in the kernel (`OAuthSourceRegistry`): the oidc feature registers its providers there too. */
export type { OAuthAuthorizationStart, OAuthStrategy } from '../../core/sign-in/oauth-sources';

/** What `OAuthService` reads of the sources: the kernel's `OAuthSourceRegistry`, or any map (unit specs). */
export type OAuthStrategies = Pick<ReadonlyMap<string, OAuthStrategy>, 'get' | 'has'>;

/** Injection token of the configured strategies (`OAuthStrategies`, by source name: the kernel's registry). */
export const OAUTH_STRATEGIES = Symbol('authkit:oauth-strategies');

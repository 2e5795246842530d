import { GitHubOAuthStrategy } from './github.strategy';
import { GoogleOAuthStrategy } from './google.strategy';
import type { OAuthStrategy } from './oauth-strategy.interface';
import type { OAuthProviderName, ResolvedOAuthOptions } from './oauth.options';

/** One strategy per configured provider. */
export function createOAuthStrategies(options: ResolvedOAuthOptions): ReadonlyMap<OAuthProviderName, OAuthStrategy> {
  const { providers, providerTimeoutMs } = options;
  const strategies = new Map<OAuthProviderName, OAuthStrategy>();
  if (providers.google) strategies.set('google', new GoogleOAuthStrategy(providers.google, providerTimeoutMs));
  if (providers.github) strategies.set('github', new GitHubOAuthStrategy(providers.github, providerTimeoutMs));
  return strategies;
}

import { GitHubOAuthStrategy } from './github.strategy';
import { GoogleOAuthStrategy } from './google.strategy';
import type { OAuthStrategy } from './oauth-strategy.interface';
import type { ResolvedOAuthOptions } from './oauth.options';
import { PassportOAuthStrategy } from './passport-oauth.strategy';

/** One strategy per configured source: the built-in providers, then the passport sources. */
export function createOAuthStrategies(options: ResolvedOAuthOptions): ReadonlyMap<string, OAuthStrategy> {
  const { providers, passport, providerTimeoutMs } = options;
  const strategies = new Map<string, OAuthStrategy>();
  if (providers.google) strategies.set('google', new GoogleOAuthStrategy(providers.google, providerTimeoutMs));
  if (providers.github) strategies.set('github', new GitHubOAuthStrategy(providers.github, providerTimeoutMs));
  for (const source of Object.values(passport)) strategies.set(source.name, new PassportOAuthStrategy(source.name, source, providerTimeoutMs));
  return strategies;
}

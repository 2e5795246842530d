import { GitHubOAuthStrategy } from './github.strategy';
import { GoogleOAuthStrategy } from './google.strategy';
import { OAuthSourceRegistry } from '../../core/sign-in/oauth-sources';
import type { ResolvedOAuthOptions } from './oauth.options';
import { PassportOAuthStrategy } from './passport-oauth.strategy';

/**
 * Registers one strategy per configured source in the kernel's registry (the built-in providers, then the passport
 * sources) and returns it: other features (oidc) register theirs there too.
 */
export function createOAuthStrategies(options: ResolvedOAuthOptions, registry = new OAuthSourceRegistry()): OAuthSourceRegistry {
  const { providers, passport, providerTimeoutMs } = options;
  if (providers.google) registry.register(new GoogleOAuthStrategy(providers.google, providerTimeoutMs), 'oauth.google');
  if (providers.github) registry.register(new GitHubOAuthStrategy(providers.github, providerTimeoutMs), 'oauth.github');
  for (const source of Object.values(passport)) {
    registry.register(new PassportOAuthStrategy(source.name, source, providerTimeoutMs), `oauth.passport.${source.name}`);
  }
  return registry;
}

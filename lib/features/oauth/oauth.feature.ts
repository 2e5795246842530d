import type { AuthFeature } from '../../core/feature/auth-feature';
import { openApiDocs } from '../../core/feature/auth-feature';
import { IdentitiesController } from './identities.controller';
import { OAuthController } from './oauth.controller';
import { documentOAuthRoutes } from './oauth.openapi';
import { OAUTH_OPTIONS, type ResolvedOAuthOptions } from './oauth.options';
import { oauthExports, oauthProviders } from './oauth.providers';
import { OAuthRedirects } from './oauth-redirects';
import { OAuthSourcesController } from './oauth-sources.controller';
import { OAUTH_ROUTE_LIMITS } from './oauth.route-limits';

/** Google, GitHub and passport sources as ways in, and linking them to an account (`oauth` option). */
export const oauthFeature: AuthFeature = {
  name: 'oauth',
  routeLimits: OAUTH_ROUTE_LIMITS,
  build: (context) => {
    if (!context.controllers) return { providers: oauthProviders, exports: oauthExports };
    // Fixed routes first: the passport sources' `:provider` routes come last.
    const controllers = [context.mount(OAuthController), context.mount(IdentitiesController), context.mount(OAuthSourcesController)];
    return {
      providers: [
        ...oauthProviders,
        OAuthRedirects,
        openApiDocs('oauth', [OAUTH_OPTIONS], (oauth: ResolvedOAuthOptions) => controllers.forEach((type) => documentOAuthRoutes(type, oauth))),
      ],
      exports: oauthExports,
      controllers,
    };
  },
};

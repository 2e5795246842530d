import type { AuthFeature } from '../../core/feature/auth-feature';
import { openApiDocs } from '../../core/feature/auth-feature';
import { OAuthController } from './oauth.controller';
import { documentOAuthRoutes } from './oauth.openapi';
import { OAUTH_OPTIONS, type ResolvedOAuthOptions } from './oauth.options';
import { oauthExports, oauthProviders } from './oauth.providers';
import { OAUTH_ROUTE_LIMITS } from './oauth.route-limits';

/** Google, GitHub and passport sources as ways in, and linking them to an account (`oauth` option). */
export const oauthFeature: AuthFeature = {
  name: 'oauth',
  routeLimits: OAUTH_ROUTE_LIMITS,
  build: (context) => {
    if (!context.controllers) return { providers: oauthProviders, exports: oauthExports };
    const controller = context.mount(OAuthController);
    return {
      providers: [
        ...oauthProviders,
        openApiDocs('oauth', [OAUTH_OPTIONS], (oauth: ResolvedOAuthOptions) => documentOAuthRoutes(controller, oauth)),
      ],
      exports: oauthExports,
      controllers: [controller],
    };
  },
};

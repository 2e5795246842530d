import type { AuthFeature } from '../../core/feature/auth-feature';
import { OidcBackchannelController } from './oidc-backchannel.controller';
import { OidcBackchannelLogout } from './oidc-backchannel.service';
import { oidcProviders } from './oidc.providers';

/**
 * Any OpenID Connect provider by configuration (`oidc` option): each one is registered as a sign-in source in the
 * kernel's `OAuthSourceRegistry`, so its `GET /<name>`, callback and link routes, state, cookies, identity rules,
 * MFA step and redirects are the OAuth sources'; this feature adds discovery, id_token verification and
 * back-channel logout (`POST /<name>/backchannel-logout`).
 */
export const oidcFeature: AuthFeature = {
  name: 'oidc',
  build: (context) => ({
    providers: oidcProviders,
    exports: [OidcBackchannelLogout],
    controllers: context.controllers ? [context.mount(OidcBackchannelController)] : [],
  }),
};

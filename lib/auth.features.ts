import type { AuthFeature } from './core/feature/auth-feature';
import { adminFeature } from './features/admin/admin.feature';
import { apiKeysFeature } from './features/api-keys/api-keys.feature';
import { magicLinkFeature } from './features/magic-link/magic-link.feature';
import { mfaFeature } from './features/mfa/mfa.feature';
import { organizationsFeature } from './features/organizations/organizations.feature';
import { passkeysFeature } from './features/passkeys/passkeys.feature';
import { oauthFeature } from './features/oauth/oauth.feature';
import { oidcFeature } from './features/oidc/oidc.feature';
import { passwordFeature } from './features/password/password.feature';
import { recoveryFeature } from './features/recovery/recovery.feature';

/**
 * The library's own features, in route order (a feature's literal routes before another's `:param` ones). The
 * composition root: the only file that names them. An app adds its own with the `features` extra.
 */
export const BUILT_IN_FEATURES: readonly AuthFeature[] = [
  passwordFeature, oauthFeature, oidcFeature, recoveryFeature, adminFeature, mfaFeature, organizationsFeature, passkeysFeature, apiKeysFeature,
  magicLinkFeature,
];

/** The provider account (declared in the kernel: the oidc feature's sources yield it too). */
export type { OAuthProfile } from '../../core/sign-in/oauth-sources';

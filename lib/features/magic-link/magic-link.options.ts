import { type MailedTokenOptions, type ResolvedMailedToken, resolveMailedToken } from '../../core/options/account.options';
import type { OptionKeys } from '../../core/options/options.validation';

/**
 * Sign-in by a mailed link (DESIGN section 13). On when `url` is set: `POST /auth/magic-link {email}` mails a link
 * to `url?token=` (a token of 256 random bits, `ttlSeconds` default 900, single use, the newest one only), your page
 * posts the token to `POST /auth/magic-link/verify`. The sign-in pipeline still runs (MFA applies). Only existing
 * accounts are signed in: an unknown email gets the same answer and no mail. Limits: `throttle.magicLink` (per ip,
 * per email) and `throttle.magicLinkVerify` (per ip, per user).
 *
 * @example
 * ```ts
 * magicLink: { url: 'https://app.example/sign-in/link' }
 * ```
 */
export type MagicLinkOptions = MailedTokenOptions;

export type ResolvedMagicLinkOptions = ResolvedMailedToken;

/** Injection token of the resolved `magicLink` options. */
export const MAGIC_LINK_OPTIONS = Symbol('authkit:magic-link-options');

export const MAGIC_LINK_OPTION_KEYS: OptionKeys<{ magicLink?: MagicLinkOptions }> = { magicLink: true };

export function resolveMagicLinkOptions(options: MagicLinkOptions | undefined): ResolvedMagicLinkOptions {
  return resolveMailedToken(options, 'magicLink', 15 * 60);
}

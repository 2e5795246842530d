import { type MailedTokenOptions, type ResolvedMailedToken, resolveMailedToken } from '../../core/options/account.options';
import { booleanOption, objectOption, type OptionKeys } from '../../core/options/options.validation';

/**
 * Sign-in by a mailed link (DESIGN section 13). On when `url` is set: `POST /auth/magic-link {email}` mails a link
 * to `url?token=` (a token of 256 random bits, `ttlSeconds` default 900, single use, the newest one only), your page
 * posts the token to `POST /auth/magic-link/verify`. The sign-in pipeline still runs (MFA applies). An unknown email
 * gets the same answer, and no mail unless `register` is on. Limits: `throttle.magicLink` (per ip, per email) and
 * `throttle.magicLinkVerify` (per ip, per user).
 *
 * @example
 * ```ts
 * magicLink: { url: 'https://app.example/sign-in/link' }
 * ```
 */
export interface MagicLinkOptions extends MailedTokenOptions {
  /**
   * Sign up unknown emails too, while `registration.enabled` (and no `registrationFields` are asked for, which a link
   * cannot carry): the mail's link creates the account, its email verified, when it is opened (`hooks.beforeRegister`
   * runs then). Default false: an app that turns magic links on for its users does not also open a second way to
   * create accounts, and nobody can have accounts created for addresses whose owners never asked (no account exists
   * until the mailbox owner clicks).
   */
  register?: boolean;
}

export interface ResolvedMagicLinkOptions extends ResolvedMailedToken {
  register: boolean;
}

/** Injection token of the resolved `magicLink` options. */
export const MAGIC_LINK_OPTIONS = Symbol('authkit:magic-link-options');

export const MAGIC_LINK_OPTION_KEYS: OptionKeys<{ magicLink?: MagicLinkOptions }> = { magicLink: true };

export function resolveMagicLinkOptions(options: MagicLinkOptions | undefined): ResolvedMagicLinkOptions {
  const { register, ...mailed } = objectOption(options, 'magicLink') ?? {};
  return {
    ...resolveMailedToken(options === undefined ? undefined : mailed, 'magicLink', 15 * 60),
    register: booleanOption(register, 'magicLink.register', false),
  };
}

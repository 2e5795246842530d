import { isRecord } from './oauth2-client';
import type { PassportProfileMapping } from './passport-oauth.options';

/**
 * Profile mapper for `passport-google-oauth20` with the OpenID Connect userinfo endpoint (its default): the id is
 * `sub`, the email is verified only when Google's `email_verified` is `true`, exactly as the built-in provider reads it.
 *
 * @example
 * ```ts
 * passport: { google: { strategy: GoogleStrategy, options: { ... }, profile: googlePassportProfile } }
 * ```
 */
export function googlePassportProfile(profile: { id: string; _json?: unknown }): PassportProfileMapping {
  const json = isRecord(profile._json) ? profile._json : {};
  return {
    id: typeof json.sub === 'string' ? json.sub : profile.id,
    email: typeof json.email === 'string' ? json.email : null,
    emailVerified: json.email_verified === true,
    displayName: typeof json.name === 'string' ? json.name : undefined,
  };
}

/**
 * Profile mapper for `passport-github2` with `allRawEmails: true` and the `user:email` scope: the id is the numeric
 * account id, the email is the PRIMARY entry of `/user/emails`, verified only when that entry says `verified: true`,
 * exactly as the built-in provider reads it. Without `allRawEmails` passport-github2 drops `verified`, and every
 * email is then unverified.
 *
 * @example
 * ```ts
 * passport: { github: { strategy: GitHubStrategy, options: { ..., scope: ['user:email'], allRawEmails: true }, profile: githubPassportProfile } }
 * ```
 */
export function githubPassportProfile(profile: { id: string; username?: string; displayName?: string; emails?: unknown }): PassportProfileMapping {
  const emails = Array.isArray(profile.emails) ? profile.emails.filter(isRecord) : [];
  const primary = emails.find((entry) => entry.primary === true);
  return {
    id: profile.id,
    email: typeof primary?.value === 'string' ? primary.value : null,
    emailVerified: primary?.verified === true,
    displayName: profile.displayName || undefined,
    username: profile.username,
  };
}

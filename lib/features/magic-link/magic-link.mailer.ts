import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { OneTimeTokenInvalidError } from '../../core/errors/auth.errors';
import { MailJobs } from '../../core/mail/mail-jobs';
import { MAIL_OPTIONS, type ResolvedMailOptions } from '../../core/mail/mail.options';
import { Mailer } from '../../core/ports/mailer.interface';
import { OneTimeTokenStore } from '../../core/ports/one-time-token-store.interface';
import { type StoredUser, UserStore } from '../../core/ports/user-store.interface';
import { mintOneTimeToken, type ParsedOneTimeToken, parseOneTimeToken } from '../../core/tokens/one-time-token';
import { credentialStamp } from '../../core/users/credential-stamp';
import { MAGIC_LINK_OPTIONS, type ResolvedMagicLinkOptions } from './magic-link.options';

/** The kind of one-time token (and of mail) of magic links. */
export const MAGIC_LINK = 'magic_link';
/** The kind of one-time token of a sign-up link (`magicLink.register`): keyed by the email, no account yet. */
export const MAGIC_LINK_SIGNUP = 'magic_link_signup';
/** What a sign-up link's token starts with (an account's token never does: a one-character user part is not base64url). */
const SIGNUP_TOKEN = 's.';
const SIGNUP_BINDING = 'signup';

/** A presented magic-link token: an account's, or a sign-up's (the normalised email it was mailed to). */
export type PresentedMagicLink = { signup: false; parsed: ParsedOneTimeToken } | { signup: true; email: string; parsed: ParsedOneTimeToken };

/** Parses a presented token of either kind; `null` for anything malformed. */
export function parseMagicLink(token: unknown): PresentedMagicLink | null {
  if (typeof token === 'string' && token.startsWith(SIGNUP_TOKEN)) {
    const parsed = parseOneTimeToken(MAGIC_LINK_SIGNUP, token.slice(SIGNUP_TOKEN.length));
    return parsed ? { signup: true, email: parsed.userId, parsed } : null;
  }
  const parsed = parseOneTimeToken(MAGIC_LINK, token);
  return parsed ? { signup: false, parsed } : null;
}

/**
 * The magic-link tokens: mints one (replacing the user's previous one: the newest link wins) and mails its link in
 * the background, so the answer never waits for (nor reveals) the mail; consumes a presented one, bound to the
 * user's credentials as they were when it was minted.
 */
@Injectable()
export class MagicLinkMailer implements OnModuleDestroy {
  private readonly jobs = new MailJobs(new Logger('AuthKit'));

  constructor(
    @Inject(OneTimeTokenStore) private readonly tokens: OneTimeTokenStore,
    @Inject(Mailer) private readonly mailer: Mailer,
    @Inject(MAGIC_LINK_OPTIONS) private readonly options: ResolvedMagicLinkOptions,
    @Inject(MAIL_OPTIONS) private readonly mail: ResolvedMailOptions,
    @Inject(UserStore) private readonly users: UserStore,
  ) {}

  /**
   * `findByEmail`, plus a lookup of a random id when nobody has the email (a known email is read in two round trips
   * by the Redis user store, an unknown one in one: the same commands either way).
   */
  async findByEmailInConstantSteps(email: string): Promise<StoredUser | null> {
    const user = await this.users.findByEmail(email);
    if (!user) await this.users.findById(randomUUID());
    return user;
  }

  /** Starts minting the user's token and mailing its link. */
  sendInBackground(user: StoredUser): void {
    if (!user.email) return;
    const email = user.email;
    this.jobs.start(MAGIC_LINK, () => this.send(email, MAGIC_LINK, user.id, credentialStamp(user)));
  }

  /** Starts minting a sign-up token for an email without an account (`magicLink.register`) and mailing its link. */
  sendSignupInBackground(email: string): void {
    this.jobs.start(MAGIC_LINK, () => this.send(email, MAGIC_LINK_SIGNUP, email, SIGNUP_BINDING));
  }

  /** Uses a sign-up token up (single use, newest wins); `OneTimeTokenInvalidError` otherwise. */
  async consumeSignup(parsed: ParsedOneTimeToken): Promise<void> {
    const consumed = await this.tokens.consume({ kind: MAGIC_LINK_SIGNUP, userId: parsed.userId, hash: parsed.hash });
    if (consumed?.binding !== SIGNUP_BINDING) throw new OneTimeTokenInvalidError();
  }

  /**
   * Uses a presented token up (of concurrent uses exactly one gets the user), then checks it against the user as
   * they are NOW: enabled, same credentials and email as when it was minted. `OneTimeTokenInvalidError` otherwise.
   */
  async consume(parsed: ParsedOneTimeToken): Promise<StoredUser> {
    const consumed = await this.tokens.consume({ kind: MAGIC_LINK, userId: parsed.userId, hash: parsed.hash });
    if (!consumed) throw new OneTimeTokenInvalidError();
    const user = await this.users.findById(parsed.userId);
    if (!user || user.disabled || consumed.binding !== credentialStamp(user)) throw new OneTimeTokenInvalidError();
    return user;
  }

  /** Resolves when the mails started so far have been sent (or given up). */
  settled(): Promise<void> {
    return this.jobs.settled();
  }

  onModuleDestroy(): Promise<void> {
    return this.jobs.close();
  }

  private async send(email: string, kind: string, subject: string, binding: string): Promise<void> {
    if (!this.options.url) return;
    const minted = mintOneTimeToken(kind, subject);
    await this.tokens.issue({ kind, userId: subject, hash: minted.hash, binding, ttlMs: this.options.ttlSeconds * 1000 });
    const link = new URL(this.options.url);
    link.searchParams.set('token', kind === MAGIC_LINK_SIGNUP ? `${SIGNUP_TOKEN}${minted.token}` : minted.token);
    const rendered = await this.mail.templates[MAGIC_LINK]({
      kind: MAGIC_LINK, email, link: link.toString(), expiresInMinutes: Math.max(1, Math.round(this.options.ttlSeconds / 60)),
    });
    await this.mailer.send({ kind: MAGIC_LINK, to: email, subject: rendered.subject, text: rendered.text, html: rendered.html });
  }
}

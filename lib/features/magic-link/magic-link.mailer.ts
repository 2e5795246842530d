import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { OneTimeTokenInvalidError } from '../../core/errors/auth.errors';
import { MailJobs } from '../../core/mail/mail-jobs';
import { MAIL_OPTIONS, type ResolvedMailOptions } from '../../core/mail/mail.options';
import { Mailer } from '../../core/ports/mailer.interface';
import { OneTimeTokenStore } from '../../core/ports/one-time-token-store.interface';
import { type StoredUser, UserStore } from '../../core/ports/user-store.interface';
import { mintOneTimeToken, type ParsedOneTimeToken } from '../../core/tokens/one-time-token';
import { credentialStamp } from '../../core/users/credential-stamp';
import { MAGIC_LINK_OPTIONS, type ResolvedMagicLinkOptions } from './magic-link.options';

/** The kind of one-time token (and of mail) of magic links. */
export const MAGIC_LINK = 'magic_link';

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
    this.jobs.start(MAGIC_LINK, () => this.send(user));
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

  private async send(user: StoredUser): Promise<void> {
    if (!this.options.url || !user.email) return;
    const minted = mintOneTimeToken(MAGIC_LINK, user.id);
    await this.tokens.issue({ kind: MAGIC_LINK, userId: user.id, hash: minted.hash, binding: credentialStamp(user), ttlMs: this.options.ttlSeconds * 1000 });
    const link = new URL(this.options.url);
    link.searchParams.set('token', minted.token);
    const rendered = await this.mail.templates[MAGIC_LINK]({
      kind: MAGIC_LINK, email: user.email, link: link.toString(), expiresInMinutes: Math.max(1, Math.round(this.options.ttlSeconds / 60)),
    });
    await this.mailer.send({ kind: MAGIC_LINK, to: user.email, subject: rendered.subject, text: rendered.text, html: rendered.html });
  }
}

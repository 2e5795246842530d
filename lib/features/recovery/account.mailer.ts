import { MailJobs } from '../../core/mail/mail-jobs';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { MAIL_OPTIONS, type ResolvedMailOptions } from '../../core/mail/mail.options';
import { Mailer } from '../../core/ports/mailer.interface';
import { mintOneTimeToken, type OneTimeTokenKind } from '../../core/tokens/one-time-token';
import type { RecoveryMailKind } from './recovery.mail-templates';
import { OneTimeTokenStore } from '../../core/ports/one-time-token-store.interface';
import { ACCOUNT_OPTIONS, type ResolvedAccountOptions } from '../../core/options/account.options';
import { credentialStamp } from '../../core/users/credential-stamp';
import { type StoredUser, UserStore } from '../../core/ports/user-store.interface';
import { OneTimeTokenInvalidError } from '../../core/errors/auth.errors';
import { randomUUID } from 'node:crypto';
import { AuthEvent } from '../../core/events/auth-event.names';
import { AuthEvents } from '../../core/events/auth-events.emitter';

/**
 * The mailed one-time tokens of account recovery: mints them and mails their links (password reset, email
 * verification) in the background, so the caller's answer never waits for (nor reveals) the mail (a failure is
 * logged without the link and retried, see `MailJobs`), and consumes them when they come back. Listens to `Registered` (password
 * registrations) to mail a verification link (`emailVerification.sendOnRegister`).
 */
@Injectable()
export class AccountMailer implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('AuthKit');
  /** Background mails, retried when they fail (awaited on shutdown, and by tests through `settled()`). */
  private readonly jobs = new MailJobs(this.logger);

  constructor(
    @Inject(OneTimeTokenStore) private readonly tokens: OneTimeTokenStore,
    @Inject(Mailer) private readonly mailer: Mailer,
    @Inject(ACCOUNT_OPTIONS) private readonly options: ResolvedAccountOptions,
    @Inject(MAIL_OPTIONS) private readonly mail: ResolvedMailOptions,
    @Inject(UserStore) private readonly users: UserStore,
    private readonly events: AuthEvents,
  ) {}

  onModuleInit(): void {
    this.events.subscribe(AuthEvent.Registered, (event) => {
      if (event.method === 'password' && this.sendsVerificationOnRegister) this.sendVerificationInBackground(event.userId);
    });
  }

  /**
   * Checks a presented token WITHOUT using it: it must match, be unexpired and still bound to the user's current
   * credentials, and the user enabled. The first step of the token routes, before anything user-specific is
   * answered or any work is done. `OneTimeTokenInvalidError` otherwise (one answer for every reason).
   */
  async verify(kind: OneTimeTokenKind, parsed: { userId: string; hash: string }): Promise<StoredUser> {
    const found = await this.tokens.verify({ kind, userId: parsed.userId, hash: parsed.hash });
    if (!found) throw new OneTimeTokenInvalidError();
    const user = await this.users.findById(parsed.userId);
    if (!user || user.disabled || found.binding !== credentialStamp(user)) throw new OneTimeTokenInvalidError();
    return user;
  }

  /**
   * Consumes a presented token, then checks it against the user's credentials as they are NOW (re-read after the
   * consume, so a password change that landed meanwhile voids it too). `OneTimeTokenInvalidError` otherwise.
   */
  async consume(kind: OneTimeTokenKind, parsed: { userId: string; hash: string }): Promise<StoredUser> {
    const consumed = await this.tokens.consume({ kind, userId: parsed.userId, hash: parsed.hash });
    if (!consumed) throw new OneTimeTokenInvalidError();
    const user = await this.users.findById(parsed.userId);
    if (!user || user.disabled || consumed.binding !== credentialStamp(user)) throw new OneTimeTokenInvalidError();
    return user;
  }

  /** Voids the user's token of this kind (after a reset, the verification link is void too). */
  revoke(kind: OneTimeTokenKind, userId: string): Promise<void> {
    return this.tokens.revoke(kind, userId);
  }

  /**
   * `findByEmail`, plus a lookup of a random id when nobody has the email: stores like `RedisUserStore` read
   * an unknown email in one round trip and a known one in two, which would time the answer apart.
   */
  async findByEmailInConstantSteps(email: string): Promise<StoredUser | null> {
    const user = await this.users.findByEmail(email);
    if (!user) await this.users.findById(randomUUID());
    return user;
  }

  /** Starts minting a token for the user (replacing the previous one of this kind) and mailing its link. */
  sendLinkInBackground(kind: RecoveryMailKind, user: StoredUser): void {
    this.background(kind, () => this.sendLink(kind, user));
  }

  private background(kind: RecoveryMailKind, work: () => Promise<void>): void {
    this.jobs.start(kind, work);
  }

  private get sendsVerificationOnRegister(): boolean {
    return this.options.emailVerification.enabled && this.options.emailVerification.sendOnRegister;
  }

  /** After a registration: the user as stored, then a verification link if its email is unverified. */
  private sendVerificationInBackground(userId: string): void {
    this.background('email_verification', async () => {
      const user = await this.users.findById(userId);
      if (user?.email && !user.emailVerified) await this.sendLink('email_verification', user);
    });
  }

  /** Resolves when the background jobs started so far have ended. */
  settled(): Promise<void> {
    return this.jobs.settled();
  }

  onModuleDestroy(): Promise<void> {
    return this.jobs.close();
  }

  private async sendLink(kind: RecoveryMailKind, user: StoredUser): Promise<void> {
    const settings = kind === 'password_reset' ? this.options.passwordReset : this.options.emailVerification;
    if (!settings.url || !user.email) return;
    const minted = mintOneTimeToken(kind, user.id);
    await this.tokens.issue({ kind, userId: user.id, hash: minted.hash, binding: credentialStamp(user), ttlMs: settings.ttlSeconds * 1000 });
    const link = new URL(settings.url);
    link.searchParams.set('token', minted.token);
    const rendered = await this.mail.templates[kind]({
      kind, email: user.email, link: link.toString(), expiresInMinutes: Math.max(1, Math.round(settings.ttlSeconds / 60)),
    });
    await this.mailer.send({ kind, to: user.email, subject: rendered.subject, text: rendered.text, html: rendered.html });
  }
}

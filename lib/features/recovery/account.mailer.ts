import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { MAIL_OPTIONS, type ResolvedMailOptions } from '../../core/mail/mail.options';
import { Mailer } from '../../core/ports/mailer.interface';
import { mintOneTimeToken } from '../../core/tokens/one-time-token';
import type { RecoveryMailKind } from './recovery.mail-templates';
import { OneTimeTokenStore } from '../../core/ports/one-time-token-store.interface';
import { ACCOUNT_OPTIONS, type ResolvedAccountOptions } from '../../core/options/account.options';
import { credentialStamp } from '../../core/users/credential-stamp';
import type { StoredUser } from '../../core/ports/user-store.interface';

/**
 * Mints one-time tokens and mails their links (password reset, email verification), in the background: the
 * caller's answer never waits for (nor reveals) the mail. A failure is logged without the link.
 */
@Injectable()
export class AccountMailer implements OnModuleDestroy {
  private readonly logger = new Logger('AuthKit');
  /** Background jobs still running (awaited on shutdown, and by tests through `settled()`). */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    @Inject(OneTimeTokenStore) private readonly tokens: OneTimeTokenStore,
    @Inject(Mailer) private readonly mailer: Mailer,
    @Inject(ACCOUNT_OPTIONS) private readonly options: ResolvedAccountOptions,
    @Inject(MAIL_OPTIONS) private readonly mail: ResolvedMailOptions,
  ) {}

  /** Starts minting a token for the user (replacing the previous one of this kind) and mailing its link. */
  sendLinkInBackground(kind: RecoveryMailKind, user: StoredUser): void {
    // Deferred past the current I/O phase: the caller's response is written before any of this work starts.
    const job = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.sendLink(kind, user))
      .catch((error: unknown) => {
        this.logger.error(`Could not send the ${kind} mail: ${error instanceof Error ? error.message.replace(/token=[^\s&"]+/g, 'token=[redacted]') : 'unknown error'}`);
      })
      .finally(() => this.pending.delete(job));
    this.pending.add(job);
  }

  /** After a registration: a verification link when `emailVerification.sendOnRegister`. */
  sendVerificationOnRegister(user: StoredUser): void {
    if (this.options.emailVerification.enabled && this.options.emailVerification.sendOnRegister && user.email && !user.emailVerified) {
      this.sendLinkInBackground('email_verification', user);
    }
  }

  /** Resolves when the background jobs started so far have ended. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async onModuleDestroy(): Promise<void> {
    await this.settled();
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

import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { MAIL_OPTIONS, type ResolvedMailOptions } from '../../core/mail/mail.options';
import { ACCOUNT_OPTIONS, type ResolvedAccountOptions } from '../../core/options/account.options';
import { Mailer } from '../../core/ports/mailer.interface';
import { UserStore } from '../../core/ports/user-store.interface';
import type { PasswordChangedMailTemplate } from './recovery.mail-templates';

/**
 * The `password_changed` notice: after a password reset or change, a mail to the account that says it happened
 * and what to do if it was not the owner (`passwordChange.notify`, default on). Sent in the background, after
 * the answer; a failure is logged (without the address) and changes nothing.
 */
@Injectable()
export class PasswordNoticeMailer implements OnModuleDestroy {
  private readonly logger = new Logger('AuthKit');
  private readonly pending = new Set<Promise<void>>();

  constructor(
    @Inject(Mailer) private readonly mailer: Mailer,
    @Inject(MAIL_OPTIONS) private readonly mail: ResolvedMailOptions,
    @Inject(ACCOUNT_OPTIONS) private readonly options: ResolvedAccountOptions,
    @Inject(UserStore) private readonly users: UserStore,
  ) {}

  /** Starts mailing the notice to the user's current email (nothing without one, or with `notify: false`). */
  sendInBackground(userId: string, how: 'reset' | 'change'): void {
    if (!this.options.passwordChange.notify) return;
    const at = Date.now();
    const job = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.send(userId, how, at))
      .catch((error: unknown) => this.logger.error(`Could not send the password_changed mail: ${error instanceof Error ? error.message : 'unknown error'}`))
      .finally(() => this.pending.delete(job));
    this.pending.add(job);
  }

  /** Resolves when the notices started so far have been handed over (or failed). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async onModuleDestroy(): Promise<void> {
    await this.settled();
  }

  private async send(userId: string, how: 'reset' | 'change', at: number): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user?.email) return;
    const template = this.mail.templates.password_changed as unknown as PasswordChangedMailTemplate;
    const rendered = await template({ kind: 'password_changed', email: user.email, how, at });
    await this.mailer.send({ kind: 'password_changed', to: user.email, subject: rendered.subject, text: rendered.text, html: rendered.html });
  }
}

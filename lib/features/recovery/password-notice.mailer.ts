import { MailJobs } from '../../core/mail/mail-jobs';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { MAIL_OPTIONS, type ResolvedMailOptions } from '../../core/mail/mail.options';
import { ACCOUNT_OPTIONS, type ResolvedAccountOptions } from '../../core/options/account.options';
import { Mailer } from '../../core/ports/mailer.interface';
import { UserStore } from '../../core/ports/user-store.interface';
import type { PasswordChangedMailTemplate } from './recovery.mail-templates';

/**
 * The `password_changed` notice: after a password reset or change, a mail to the account that says it happened
 * and what to do if it was not the owner (`passwordChange.notify`, default on). Sent in the background, after
 * the answer; a failure is logged (without the address) and retried (`MailJobs`), and changes nothing.
 */
@Injectable()
export class PasswordNoticeMailer implements OnModuleDestroy {
  private readonly logger = new Logger('AuthKit');
  private readonly jobs = new MailJobs(this.logger);

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
    this.jobs.start('password_changed', () => this.send(userId, how, at));
  }

  /** Resolves when the notices started so far have been handed over (or failed). */
  settled(): Promise<void> {
    return this.jobs.settled();
  }

  onModuleDestroy(): Promise<void> {
    return this.jobs.close();
  }

  private async send(userId: string, how: 'reset' | 'change', at: number): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user?.email) return;
    const template = this.mail.templates.password_changed as unknown as PasswordChangedMailTemplate;
    const rendered = await template({ kind: 'password_changed', email: user.email, how, at });
    await this.mailer.send({ kind: 'password_changed', to: user.email, subject: rendered.subject, text: rendered.text, html: rendered.html });
  }
}

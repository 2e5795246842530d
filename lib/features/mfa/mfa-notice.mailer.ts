import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { MAIL_OPTIONS, type ResolvedMailOptions } from '../../core/mail/mail.options';
import { Mailer } from '../../core/ports/mailer.interface';
import { UserStore } from '../../core/ports/user-store.interface';
import { MFA_OPTIONS, type ResolvedMfaOptions } from './mfa.options';
import type { MfaNoticeKind, MfaNoticeMailContext, MfaNoticeMailTemplate } from './mfa.mail-templates';

/**
 * The MFA notices (`mfa.notify`, default on): mailed to the account's current email in the background, after the
 * answer; a failure is logged (without the address) and changes nothing.
 */
@Injectable()
export class MfaNoticeMailer implements OnModuleDestroy {
  private readonly logger = new Logger('AuthKit');
  private readonly pending = new Set<Promise<void>>();

  constructor(
    @Inject(Mailer) private readonly mailer: Mailer,
    @Inject(MAIL_OPTIONS) private readonly mail: ResolvedMailOptions,
    @Inject(MFA_OPTIONS) private readonly options: ResolvedMfaOptions,
    @Inject(UserStore) private readonly users: UserStore,
  ) {}

  sendInBackground(userId: string, kind: MfaNoticeKind, details: Pick<MfaNoticeMailContext, 'by' | 'recoveryCodesLeft'> = {}): void {
    if (!this.options.notify) return;
    const at = Date.now();
    const job = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.send(userId, { kind, at, ...details }))
      .catch((error: unknown) => this.logger.error(`Could not send the ${kind} mail: ${error instanceof Error ? error.message : 'unknown error'}`))
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

  private async send(userId: string, context: Omit<MfaNoticeMailContext, 'email'>): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user?.email) return;
    const template = this.mail.templates[context.kind] as unknown as MfaNoticeMailTemplate;
    const rendered = await template({ ...context, email: user.email });
    await this.mailer.send({ kind: context.kind, to: user.email, subject: rendered.subject, text: rendered.text, html: rendered.html });
  }
}

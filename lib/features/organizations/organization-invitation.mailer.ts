import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { MailJobs } from '../../core/mail/mail-jobs';
import { MAIL_OPTIONS, type ResolvedMailOptions } from '../../core/mail/mail.options';
import { Mailer } from '../../core/ports/mailer.interface';
import { ORGANIZATIONS_OPTIONS, type ResolvedOrganizationsOptions } from './organizations.options';

/** The kind of the invitation tokens and mails. */
export const ORG_INVITATION = 'org_invitation';

/**
 * Mails invitation links in the background (the answer never waits for the mail; a failure is logged without the
 * link and retried, see `MailJobs`).
 */
@Injectable()
export class OrganizationInvitationMailer implements OnModuleDestroy {
  private readonly jobs = new MailJobs(new Logger('AuthKit'));

  constructor(
    @Inject(Mailer) private readonly mailer: Mailer,
    @Inject(MAIL_OPTIONS) private readonly mail: ResolvedMailOptions,
    @Inject(ORGANIZATIONS_OPTIONS) private readonly options: Pick<ResolvedOrganizationsOptions, 'invitationUrl' | 'invitationTtlSeconds'>,
  ) {}

  /** How long an invitation lives, in ms. */
  get ttlMs(): number {
    return this.options.invitationTtlSeconds * 1000;
  }

  /** Starts mailing the link of `token` to `email`. */
  sendInBackground(email: string, token: string): void {
    const link = new URL(this.options.invitationUrl);
    link.searchParams.set('token', token);
    this.jobs.start(ORG_INVITATION, async () => {
      const rendered = await this.mail.templates[ORG_INVITATION]({
        kind: ORG_INVITATION, email, link: link.toString(), expiresInMinutes: Math.max(1, Math.round(this.options.invitationTtlSeconds / 60)),
      });
      await this.mailer.send({ kind: ORG_INVITATION, to: email, subject: rendered.subject, text: rendered.text, html: rendered.html });
    });
  }

  /** Resolves when the mails started so far have been sent (or given up). */
  settled(): Promise<void> {
    return this.jobs.settled();
  }

  onModuleDestroy(): Promise<void> {
    return this.jobs.close();
  }
}

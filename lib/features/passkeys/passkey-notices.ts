import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ClientInfo } from '../../core/auth.types';
import { AuthEvents } from '../../core/events/auth-events.emitter';
import { MailJobs } from '../../core/mail/mail-jobs';
import { MAIL_OPTIONS, type ResolvedMailOptions } from '../../core/mail/mail.options';
import { Mailer } from '../../core/ports/mailer.interface';
import { UserStore } from '../../core/ports/user-store.interface';
import { PASSKEY_OPTIONS, type ResolvedPasskeyOptions } from './passkeys.options';
import { PasskeyEvent } from './passkeys.events';
import type { PasskeyNoticeKind, PasskeyNoticeMailTemplate } from './passkeys.mail-templates';
import type { StoredPasskey } from './passkey-store.interface';

/**
 * A passkey added or removed: the event, and (`passkeys.notify`, default on) a mail to the account's current email,
 * in the background after the answer (a failure is logged without the address and changes nothing).
 */
@Injectable()
export class PasskeyNotices implements OnModuleDestroy {
  private readonly jobs = new MailJobs(new Logger('AuthKit'));

  constructor(
    @Inject(Mailer) private readonly mailer: Mailer,
    @Inject(MAIL_OPTIONS) private readonly mail: ResolvedMailOptions,
    @Inject(PASSKEY_OPTIONS) private readonly options: ResolvedPasskeyOptions,
    @Inject(UserStore) private readonly users: UserStore,
    readonly events: AuthEvents,
  ) {}

  added(passkey: StoredPasskey, client: ClientInfo): void {
    this.events.emitFor(client, PasskeyEvent.PasskeyAdded, { userId: passkey.userId, passkeyId: passkey.id });
    this.send(passkey, 'passkey_added');
  }

  removed(passkey: Pick<StoredPasskey, 'id' | 'userId' | 'name'>, client: ClientInfo, options: { actorId?: string; mail?: boolean } = {}): void {
    const { actorId, mail = true } = options;
    this.events.emitFor(client, PasskeyEvent.PasskeyRemoved, { userId: passkey.userId, passkeyId: passkey.id, ...(actorId ? { actorId } : {}) });
    if (mail) this.send(passkey, 'passkey_removed', actorId ? 'admin' : 'user');
  }

  /** Resolves when the mails started so far have been handed over (or given up). */
  settled(): Promise<void> {
    return this.jobs.settled();
  }

  onModuleDestroy(): Promise<void> {
    return this.jobs.close();
  }

  private send(passkey: Pick<StoredPasskey, 'userId' | 'name'>, kind: PasskeyNoticeKind, by?: 'user' | 'admin'): void {
    if (!this.options.notify) return;
    const at = Date.now();
    this.jobs.start(kind, async () => {
      const user = await this.users.findById(passkey.userId);
      if (!user?.email) return;
      const template = this.mail.templates[kind] as unknown as PasskeyNoticeMailTemplate;
      const rendered = await template({ kind, email: user.email, passkeyName: passkey.name, at, ...(by ? { by } : {}) });
      await this.mailer.send({ kind, to: user.email, subject: rendered.subject, text: rendered.text, html: rendered.html });
    });
  }
}

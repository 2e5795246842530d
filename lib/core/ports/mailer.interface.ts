/**
 * The kinds of mail the library sends: the link mails (`password_reset`, `email_verification`) and the notice
 * that an account's password was changed or reset (`password_changed`).
 */
export type MailKind = 'password_reset' | 'email_verification' | 'password_changed';

/** A mail ready to send. */
export interface MailMessage {
  kind: MailKind;
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/**
 * Port for sending the library's mails (password reset, email verification). The default is `SmtpMailer`
 * (nodemailer) when `mail.smtpUrl` is set, else `LoggingMailer`, which only logs that a mail was sent.
 * Plug in your own (SES, Postmark...) with `AuthModule.forRoot({ mailer: MyMailer })`.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class SesMailer implements Mailer {
 *   async send(message: MailMessage) { await ses.sendEmail({ to: message.to, subject: message.subject, body: message.text }); }
 * }
 * ```
 */
export interface Mailer {
  /** Sends one mail; rejects when it could not be handed over. */
  send(message: MailMessage): Promise<void>;
}

/** Injection token for the `Mailer` port. */
export const Mailer = Symbol('Mailer');

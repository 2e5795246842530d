/**
 * A kind of mail (snake_case: `password_reset`, `email_verification`...), declared with its default template by
 * the feature that sends it (`AuthFeature.mailTemplates`).
 */
export type MailKind = string;

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

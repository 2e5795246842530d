import { createTransport, type Transporter } from 'nodemailer';
import type { Mailer, MailMessage } from '../../core/ports/mailer.interface';

/**
 * `Mailer` over SMTP with nodemailer (the default when `mail.smtpUrl` is set).
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ jwt, mail: { smtpUrl: 'smtps://user:pass@smtp.example.com', from: 'no-reply@example.com' } })
 * ```
 */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(smtpUrl: string, private readonly from: string) {
    this.transport = createTransport(smtpUrl);
  }

  async send(message: MailMessage): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text, html: message.html });
  }

  /** Closes pooled connections (Nest calls it when the app shuts down). */
  onModuleDestroy(): void {
    this.transport.close();
  }
}

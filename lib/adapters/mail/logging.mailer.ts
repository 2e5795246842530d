import { Logger } from '@nestjs/common';
import type { Mailer, MailMessage } from '../../core/ports/mailer.interface';

/** `j***@example.com`: enough to recognise a test account, not a full address in the logs. */
function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
}

/**
 * The development `Mailer` (no `mail.smtpUrl`, no `mailer`): logs that a mail WOULD have been sent, to
 * whom (masked) and of which kind, never its content: the link carries a one-time token.
 */
export class LoggingMailer implements Mailer {
  private readonly logger = new Logger('AuthKit');

  async send(message: MailMessage): Promise<void> {
    this.logger.log(`Mail "${message.kind}" sent to ${maskEmail(message.to)} (no SMTP configured: not delivered; set mail.smtpUrl)`);
  }
}

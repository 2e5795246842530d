import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { sleep } from './time';

/** A mail as received by the local SMTP server: envelope recipients and the raw message, plus its decoded text. */
export interface ReceivedMail {
  to: string[];
  raw: string;
  subject: string;
  /** The whole message with quoted-printable soft breaks and escapes undone (enough to find a link). */
  decoded: string;
}

function decodeQuotedPrintable(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * A real SMTP server (the `smtp-server` package) on a free loopback port: the library's `SmtpMailer` sends
 * to it over TCP exactly as to a production relay. No TLS, no auth.
 */
export class LocalSmtpServer {
  readonly mails: ReceivedMail[] = [];
  private readonly server: SMTPServer;
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const decoded = decodeQuotedPrintable(raw);
          const subject = /^Subject: (.*)$/m.exec(raw)?.[1]?.trim() ?? '';
          this.mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, subject, decoded });
          callback();
        });
      },
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return `smtp://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The mails to `address` so far. */
  mailsTo(address: string): ReceivedMail[] {
    return this.mails.filter((mail) => mail.to.includes(address));
  }

  /** Waits (polling, up to `timeoutMs`) until `address` has received `count` mails; returns the last. */
  async waitForMail(address: string, count = 1, timeoutMs = 5000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    while (this.mailsTo(address).length < count) {
      if (Date.now() > deadline) throw new Error(`no mail #${count} for ${address} within ${timeoutMs} ms`);
      await sleep(10);
    }
    return this.mailsTo(address)[count - 1];
  }

  /** Waits (polling, up to `timeoutMs`) for a mail to `address` that `matches`; returns the first one. */
  async waitForMailMatching(address: string, matches: (mail: ReceivedMail) => boolean, timeoutMs = 5000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.mailsTo(address).find(matches);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching mail for ${address} within ${timeoutMs} ms`);
      await sleep(10);
    }
  }

  /** The one-time token in the mail's link (`?token=`). */
  static tokenIn(mail: ReceivedMail): string {
    const match = /[?&]token=([A-Za-z0-9_.-]+)/.exec(mail.decoded);
    if (!match) throw new Error('no token link in the mail');
    return match[1];
  }
}

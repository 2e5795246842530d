import { failOption, objectOption } from '../options/options.validation';
import { DEFAULT_MAIL_TEMPLATES, type MailTemplates } from './mail-templates';

/** The `mail` option: how the library's mails are sent and what they say. */
export interface MailOptions {
  mail?: {
    /**
     * SMTP server, e.g. `smtps://user:pass@smtp.example.com:465` or `smtp://127.0.0.1:1025`. Unset (and no
     * `mailer` adapter): mails are only logged as sent, never with their link.
     */
    smtpUrl?: string;
    /** The sender, e.g. `"My App" <no-reply@example.com>`. Default `no-reply@localhost`. */
    from?: string;
    /** Replaces the subject/text/html of a kind of mail. */
    templates?: Partial<MailTemplates>;
  };
}

/** The mail options after defaults and validation (injected as `MAIL_OPTIONS`). */
export interface ResolvedMailOptions {
  smtpUrl: string | null;
  from: string;
  templates: Readonly<MailTemplates>;
}

/** Injection token of `ResolvedMailOptions`. */
export const MAIL_OPTIONS = Symbol('authkit:mail-options');

/** Applies defaults to the `mail` option and validates it; throws a `TypeError` naming the option. */
export function resolveMailOptions(options: MailOptions): ResolvedMailOptions {
  const mail = objectOption(options.mail, 'mail') ?? {};
  if (mail.smtpUrl !== undefined && (typeof mail.smtpUrl !== 'string' || !/^smtps?:\/\/[^\s]+$/.test(mail.smtpUrl))) {
    failOption('mail.smtpUrl', 'must be an smtp:// or smtps:// URL');
  }
  if (mail.from !== undefined && (typeof mail.from !== 'string' || mail.from.trim() === '' || /[\r\n]/.test(mail.from))) {
    // A template literal on purpose: with quotes, the package check (test/build/package.spec.ts) reads this line as an import.
    failOption(`mail.from`, 'must be a non-empty single-line string');
  }
  const templates = objectOption(mail.templates, 'mail.templates') ?? {};
  for (const [kind, template] of Object.entries(templates)) {
    if (!(kind in DEFAULT_MAIL_TEMPLATES)) failOption(`mail.templates.${kind}`, `is not a kind of mail (${Object.keys(DEFAULT_MAIL_TEMPLATES).join(', ')})`);
    if (typeof template !== 'function') failOption(`mail.templates.${kind}`, 'must be a function (context) => { subject, text, html? }');
  }
  return {
    smtpUrl: mail.smtpUrl ?? null,
    from: mail.from ?? 'no-reply@localhost',
    templates: { ...DEFAULT_MAIL_TEMPLATES, ...templates },
  };
}

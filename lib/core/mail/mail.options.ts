import { failOption, objectOption, type OptionKeys, ownedObject } from '../options/options.validation';
import type { MailKind } from '../ports/mailer.interface';
import type { MailTemplate } from './mail-templates';

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
    templates?: Partial<Record<MailKind, MailTemplate>>;
  };
}

/** The mail options after defaults and validation (injected as `MAIL_OPTIONS`). */
export interface ResolvedMailOptions {
  smtpUrl: string | null;
  from: string;
  templates: Readonly<Record<MailKind, MailTemplate>>;
}

/** Injection token of `ResolvedMailOptions`. */
export const MAIL_OPTIONS = Symbol('authkit:mail-options');

/** The top-level option the mail part of the kernel owns. */
export const MAIL_OPTION_KEYS: OptionKeys<MailOptions> = { mail: true };
const MAIL_KEYS: OptionKeys<NonNullable<MailOptions['mail']>> = { smtpUrl: true, from: true, templates: true };

/**
 * Applies defaults to the `mail` option and validates it; throws a `TypeError` naming the option. `defaults` are
 * the templates of the kinds of mail the module's features send (`AuthFeature.mailTemplates`).
 */
export function resolveMailOptions(options: MailOptions, defaults: Readonly<Record<MailKind, MailTemplate>> = {}): ResolvedMailOptions {
  const mail = ownedObject(options.mail, 'mail', MAIL_KEYS) ?? {};
  if (mail.smtpUrl !== undefined && (typeof mail.smtpUrl !== 'string' || !/^smtps?:\/\/[^\s]+$/.test(mail.smtpUrl))) {
    failOption('mail.smtpUrl', 'must be an smtp:// or smtps:// URL');
  }
  if (mail.from !== undefined && (typeof mail.from !== 'string' || mail.from.trim() === '' || /[\r\n]/.test(mail.from))) {
    // A template literal on purpose: with quotes, the package check (test/build/package.spec.ts) reads this line as an import.
    failOption(`mail.from`, 'must be a non-empty single-line string');
  }
  const templates = objectOption(mail.templates, 'mail.templates') ?? {};
  for (const [kind, template] of Object.entries(templates)) {
    if (!Object.hasOwn(defaults, kind)) failOption(`mail.templates.${kind}`, `is not a kind of mail (${Object.keys(defaults).join(', ')})`);
    if (typeof template !== 'function') failOption(`mail.templates.${kind}`, 'must be a function (context) => { subject, text, html? }');
  }
  return {
    smtpUrl: mail.smtpUrl ?? null,
    from: mail.from ?? 'no-reply@localhost',
    templates: { ...defaults, ...(templates as Record<MailKind, MailTemplate>) },
  };
}

import type { MailKind } from '../ports/mailer.interface';

/** What a template gets. `link` carries the one-time token: treat it as a secret. */
export interface MailTemplateContext {
  kind: MailKind;
  /** The recipient. */
  email: string;
  /** The page URL with `?token=...` appended. */
  link: string;
  /** How long the link works, in minutes. */
  expiresInMinutes: number;
}

/** The rendered parts of a mail. */
export interface RenderedMail {
  subject: string;
  text: string;
  html?: string;
}

/** Renders one kind of mail; may be async (e.g. a template engine). */
export type MailTemplate = (context: MailTemplateContext) => RenderedMail | Promise<RenderedMail>;

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function duration(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} hour${minutes === 60 ? '' : 's'}` : `${minutes} minutes`;
}

/** The built-in templates (plain English, text and minimal HTML); override any of them with `mail.templates`. */
export const DEFAULT_MAIL_TEMPLATES: Readonly<Record<MailKind, MailTemplate>> = {
  password_reset: ({ link, expiresInMinutes }) => ({
    subject: 'Reset your password',
    text:
      `Someone asked to reset the password of your account.\n\nTo choose a new password, open:\n${link}\n\n` +
      `The link works once, for ${duration(expiresInMinutes)}. If you did not ask for it, ignore this mail.\n`,
    html:
      `<p>Someone asked to reset the password of your account.</p><p><a href="${escapeHtml(link)}">Choose a new password</a></p>` +
      `<p>The link works once, for ${duration(expiresInMinutes)}. If you did not ask for it, ignore this mail.</p>`,
  }),
  email_verification: ({ link, expiresInMinutes }) => ({
    subject: 'Confirm your email address',
    text: `Please confirm your email address by opening:\n${link}\n\nThe link works once, for ${duration(expiresInMinutes)}.\n`,
    html:
      `<p>Please confirm your email address.</p><p><a href="${escapeHtml(link)}">Confirm my email</a></p>` +
      `<p>The link works once, for ${duration(expiresInMinutes)}.</p>`,
  }),
};

import type { MailTemplate } from '../../core/mail/mail-templates';

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function duration(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} hour${minutes === 60 ? '' : 's'}` : `${minutes} minutes`;
}

/**
 * The mails of account recovery and their built-in templates (plain English, text and minimal HTML); an app
 * replaces any of them with `mail.templates.<kind>`.
 */
export const RECOVERY_MAIL_TEMPLATES = {
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
} as const satisfies Readonly<Record<string, MailTemplate>>;

/** The kinds of mail (and of one-time token) of account recovery. */
export type RecoveryMailKind = keyof typeof RECOVERY_MAIL_TEMPLATES;

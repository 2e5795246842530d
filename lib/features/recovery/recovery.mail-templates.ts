import type { MailTemplate, RenderedMail } from '../../core/mail/mail-templates';

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function duration(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} hour${minutes === 60 ? '' : 's'}` : `${minutes} minutes`;
}

/** What the reset mail says to whoever did not ask for it. */
const RESET_NOT_ME =
  'If you did not ask for this, ignore this mail: your password has not changed, and the link expires by itself. ' +
  'If such mails keep coming, someone may be trying to get into your account.';

/** What the verification mail says to whoever did not sign up (someone may be squatting the address). */
const VERIFY_NOT_ME =
  'If you did not sign up, someone else entered your address. Open the link and choose "This was not me": their ' +
  'password and sign-ins are removed, and you can later set your own password with "Forgot password".';

/**
 * The mails of account recovery and their built-in templates (plain English, text and minimal HTML); an app
 * replaces any of them with `mail.templates.<kind>`.
 */
export const RECOVERY_MAIL_TEMPLATES = {
  password_reset: ({ link, expiresInMinutes }) => ({
    subject: 'Reset your password',
    text:
      `Someone asked to reset the password of your account.\n\nTo choose a new password, open:\n${link}\n\n` +
      `The link works once, for ${duration(expiresInMinutes)}.\n\n${RESET_NOT_ME}\n`,
    html:
      `<p>Someone asked to reset the password of your account.</p><p><a href="${escapeHtml(link)}">Choose a new password</a></p>` +
      `<p>The link works once, for ${duration(expiresInMinutes)}.</p><p>${escapeHtml(RESET_NOT_ME)}</p>`,
  }),
  email_verification: ({ link, expiresInMinutes }) => ({
    subject: 'Confirm your email address',
    text:
      `An account was created with this email address. If it was you, confirm the address by opening:\n${link}\n\n` +
      `The link works once, for ${duration(expiresInMinutes)}.\n\n${VERIFY_NOT_ME}\n`,
    html:
      `<p>An account was created with this email address. If it was you, confirm the address.</p>` +
      `<p><a href="${escapeHtml(link)}">Confirm my email</a></p>` +
      `<p>The link works once, for ${duration(expiresInMinutes)}.</p><p>${escapeHtml(VERIFY_NOT_ME)}</p>`,
  }),
} as const satisfies Readonly<Record<string, MailTemplate>>;

/** The kinds of mail (and of one-time token) of account recovery. */
export type RecoveryMailKind = keyof typeof RECOVERY_MAIL_TEMPLATES;

/** What the `password_changed` notice's template gets (no link, no secret). */
export interface PasswordChangedMailContext {
  kind: 'password_changed';
  email: string;
  /** `reset`: through a mailed reset link; `change`: by a signed-in user who gave the current password. */
  how: 'reset' | 'change';
  /** When it happened (epoch ms). */
  at: number;
}

/** Renders the `password_changed` notice (`mail.templates.password_changed` replaces it). */
export type PasswordChangedMailTemplate = (context: PasswordChangedMailContext) => RenderedMail | Promise<RenderedMail>;

const passwordChanged: PasswordChangedMailTemplate = ({ how, at }) => {
  const when = new Date(at).toUTCString();
  const what = how === 'reset' ? 'reset through a link sent to this address' : 'changed from a signed-in session';
  const advice =
    'If this was you, there is nothing to do. If it was not, someone may have access to your account or to this mailbox: ' +
    'ask for a password reset on the sign-in page now (it signs every device out), and secure this email account.';
  return {
    subject: 'Your password was changed',
    text: `The password of your account was ${what} on ${when}.\n\n${advice}\n`,
    html: `<p>The password of your account was ${escapeHtml(what)} on ${escapeHtml(when)}.</p><p>${escapeHtml(advice)}</p>`,
  };
};

/**
 * The notices of account recovery (no link, no one-time token): declared as mail kinds like the link mails, so
 * `mail.templates.password_changed` is accepted; their context is their own (`PasswordChangedMailContext`).
 */
export const RECOVERY_NOTICE_TEMPLATES = {
  password_changed: passwordChanged as unknown as MailTemplate,
} as const satisfies Readonly<Record<string, MailTemplate>>;

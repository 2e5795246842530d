import type { MailTemplate } from '../../core/mail/mail-templates';

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const NOT_ME = 'If you did not ask for this, ignore this mail: nobody can sign in without opening the link, and it expires by itself.';

/** The magic-link mail (`mail.templates.magic_link` replaces it). */
export const MAGIC_LINK_MAIL_TEMPLATES = {
  magic_link: ({ link, expiresInMinutes }) => ({
    subject: 'Your sign-in link',
    text: `To sign in, open:\n${link}\n\nThe link works once, for ${expiresInMinutes} minutes.\n\n${NOT_ME}\n`,
    html:
      `<p><a href="${escapeHtml(link)}">Sign in</a></p><p>The link works once, for ${expiresInMinutes} minutes.</p>` +
      `<p>${escapeHtml(NOT_ME)}</p>`,
  }),
} as const satisfies Readonly<Record<string, MailTemplate>>;

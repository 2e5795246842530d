import type { MailTemplate } from '../../core/mail/mail-templates';

const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The invitation mail (`mail.templates.org_invitation` replaces it). The link carries the single-use token. */
export const ORGANIZATION_MAIL_TEMPLATES = {
  org_invitation: ({ link, expiresInMinutes }) => {
    const days = Math.max(1, Math.round(expiresInMinutes / 1440));
    const note = 'Sign in (or sign up) with this email address, verify it, then open the link. If you did not expect this, ignore this mail.';
    return {
      subject: 'You are invited to join an organization',
      text: `You are invited to join an organization.\n\nTo accept, open:\n${link}\n\nThe link works once, for ${days} day(s).\n\n${note}\n`,
      html: `<p>You are invited to join an organization.</p><p><a href="${escapeHtml(link)}">Accept the invitation</a></p>` +
        `<p>The link works once, for ${days} day(s).</p><p>${escapeHtml(note)}</p>`,
    };
  },
} as const satisfies Readonly<Record<string, MailTemplate>>;

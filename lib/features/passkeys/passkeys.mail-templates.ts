import type { MailTemplate, RenderedMail } from '../../core/mail/mail-templates';

/** The passkey notices (no link, no secret): a passkey added or removed. */
export type PasskeyNoticeKind = 'passkey_added' | 'passkey_removed';

/** What a passkey notice template gets. */
export interface PasskeyNoticeMailContext {
  kind: PasskeyNoticeKind;
  email: string;
  /** The passkey's name as the user gave it. */
  passkeyName: string;
  /** When it happened (epoch ms). */
  at: number;
  /** `passkey_removed`: by an admin's MFA reset (`admin`) or the user (`user`). */
  by?: 'user' | 'admin';
}

/** Renders a passkey notice (`mail.templates.<kind>` replaces one). */
export type PasskeyNoticeMailTemplate = (context: PasskeyNoticeMailContext) => RenderedMail | Promise<RenderedMail>;

const ADVICE = 'If this was not you, reset your password now (it signs every device out) and contact support.';

function notice(subject: string, line: (context: PasskeyNoticeMailContext) => string): MailTemplate {
  const template: PasskeyNoticeMailTemplate = (context) => ({ subject, text: `${line(context)} (${new Date(context.at).toUTCString()}).\n\n${ADVICE}\n` });
  return template as unknown as MailTemplate;
}

/** The default templates, declared as the feature's mail kinds. */
export const PASSKEY_MAIL_TEMPLATES = {
  passkey_added: notice('A passkey was added to your account', ({ passkeyName }) => `A passkey ("${passkeyName}") was added to your account`),
  passkey_removed: notice('A passkey was removed from your account', ({ passkeyName, by }) =>
    by === 'admin' ? `An administrator removed the passkey "${passkeyName}" from your account` : `The passkey "${passkeyName}" was removed from your account`),
} as const satisfies Readonly<Record<PasskeyNoticeKind, MailTemplate>>;

import type { MailTemplate, RenderedMail } from '../../core/mail/mail-templates';

/** The MFA notices (no link, no code): a factor added or removed, a recovery code used. */
export type MfaNoticeKind = 'mfa_enabled' | 'mfa_disabled' | 'mfa_recovery_code_used';

/** What an MFA notice template gets. */
export interface MfaNoticeMailContext {
  kind: MfaNoticeKind;
  email: string;
  /** When it happened (epoch ms). */
  at: number;
  /** `mfa_disabled`: by an admin (`admin`) or the user (`user`). */
  by?: 'user' | 'admin';
  /** `mfa_recovery_code_used`: codes left. */
  recoveryCodesLeft?: number;
}

/** Renders an MFA notice (`mail.templates.<kind>` replaces one). */
export type MfaNoticeMailTemplate = (context: MfaNoticeMailContext) => RenderedMail | Promise<RenderedMail>;

const ADVICE = 'If this was not you, reset your password now (it signs every device out) and contact support.';

function notice(subject: string, line: (context: MfaNoticeMailContext) => string): MfaNoticeMailTemplate {
  return (context) => {
    const text = `${line(context)} (${new Date(context.at).toUTCString()}).\n\n${ADVICE}\n`;
    return { subject, text };
  };
}

/** The default templates, declared as the feature's mail kinds. */
export const MFA_MAIL_TEMPLATES = {
  mfa_enabled: notice('Two-factor authentication was turned on', () => 'An authenticator app was added to your account') as unknown as MailTemplate,
  mfa_disabled: notice('Two-factor authentication was turned off', ({ by }) =>
    by === 'admin' ? 'An administrator removed the second factors of your account' : 'The second factors of your account were removed') as unknown as MailTemplate,
  mfa_recovery_code_used: notice('A recovery code was used', ({ recoveryCodesLeft }) =>
    `A recovery code was used to sign in to your account; ${recoveryCodesLeft ?? 0} left`) as unknown as MailTemplate,
} as const satisfies Readonly<Record<MfaNoticeKind, MailTemplate>>;

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

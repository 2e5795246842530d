import { resolveAccountOptions } from '../../../lib/core/options/account.options';
import { resolveMailOptions } from '../../../lib/core/mail/mail.options';
import { RECOVERY_MAIL_TEMPLATES } from '../../../lib/features/recovery/recovery.mail-templates';
import { AccountMailer } from '../../../lib/features/recovery/account.mailer';
import { MemoryOneTimeTokenStore } from '../../../lib/adapters/memory/memory-one-time-token.store';
import { MemoryUserStore } from '../../../lib/adapters/memory/memory-user.store';
import { AuthEvents } from '../../../lib/core/events/auth-events.emitter';
import { parseOneTimeToken } from '../../../lib/core/tokens/one-time-token';
import { SmtpMailer } from '../../../lib/adapters/mail/smtp.mailer';
import { LocalSmtpServer } from '../../support/smtp-server';

describe('mail and account options', () => {
  it('defaults: logging mailer, built-in templates; reset and verification off until a url is set', () => {
    const mail = resolveMailOptions({}, RECOVERY_MAIL_TEMPLATES);
    expect(mail).toEqual({ smtpUrl: null, from: 'no-reply@localhost', templates: RECOVERY_MAIL_TEMPLATES });
    const account = resolveAccountOptions({});
    expect(account.passwordReset).toEqual({ enabled: false, url: null, ttlSeconds: 1800 });
    expect(account.emailVerification).toEqual({ enabled: false, url: null, ttlSeconds: 86_400, sendOnRegister: false });
    expect(account.passwordChange.enabled).toBe(true);
    expect(account.accountDeletion).toEqual({ enabled: true, recentLoginSeconds: 300 });
    expect(account.requireVerifiedEmail).toBe(false);
    expect(resolveAccountOptions({ passwordReset: { url: 'https://a.example/r', ttlSeconds: 600 } }).passwordReset)
      .toEqual({ enabled: true, url: 'https://a.example/r', ttlSeconds: 600 });
  });

  it.each([
    [() => resolveMailOptions({ mail: { smtpUrl: 'http://x' } }), 'mail.smtpUrl'],
    [() => resolveMailOptions({ mail: { from: 'a\r\nBcc: x@y' } }), 'mail.from'],
    [() => resolveMailOptions({ mail: { templates: { welcome: () => ({ subject: '', text: '' }) } as never } }, RECOVERY_MAIL_TEMPLATES), 'mail.templates.welcome'],
    [() => resolveMailOptions({ mail: { templates: { password_reset: 'hi' as never } } }, RECOVERY_MAIL_TEMPLATES), 'mail.templates.password_reset'],
    [() => resolveAccountOptions({ passwordReset: { url: 'javascript:alert(1)' } }), 'passwordReset.url'],
    [() => resolveAccountOptions({ passwordReset: { url: 'https://a.example/r#x' } }), 'passwordReset.url'],
    [() => resolveAccountOptions({ emailVerification: { enabled: true } }), 'emailVerification.url'],
    [() => resolveAccountOptions({ passwordReset: { url: 'https://a.example/r', ttlSeconds: 0 } }), 'passwordReset.ttlSeconds'],
    [() => resolveAccountOptions({ hooks: { afterLogin: () => undefined } as never }), 'hooks.afterLogin'],
    [() => resolveAccountOptions({ registrationFields: {} as never }), 'registrationFields'],
    [() => resolveAccountOptions({ claims: { names: ['iss'], resolve: () => ({}) } }), 'claims.names'],
  ])('refuses bad options at start-up, naming them (%#)', (resolve, option) => {
    expect(resolve).toThrow(TypeError);
    expect(resolve).toThrow(option);
  });
});

describe('templates per kind, over a real SMTP server', () => {
  const smtp = new LocalSmtpServer();
  let mailer: SmtpMailer;

  beforeAll(async () => {
    mailer = new SmtpMailer(await smtp.start(), 'App <no-reply@app.example>');
  });

  afterAll(async () => {
    mailer.onModuleDestroy();
    await smtp.stop();
  });

  it('an overridden template replaces the subject, text and html of its kind only; the link carries a valid token', async () => {
    const store = new MemoryOneTimeTokenStore();
    const account = resolveAccountOptions({ passwordReset: { url: 'https://app.example/reset?lang=fr' }, emailVerification: { url: 'https://app.example/v' } });
    const mail = resolveMailOptions({
      mail: {
        templates: {
          password_reset: async ({ link, expiresInMinutes, email }) => ({
            subject: 'Réinitialisez votre mot de passe', text: `Bonjour ${email}: ${link} (${expiresInMinutes} min)`, html: `<a href="${link}">ici</a>`,
          }),
        },
      },
    }, RECOVERY_MAIL_TEMPLATES);
    const accountMailer = new AccountMailer(store, mailer, account, mail, new MemoryUserStore(), new AuthEvents());
    const user = { id: 'u-1', email: 'ada@app.example', passwordHash: 'h', roles: [], emailVerified: false, credentialVersion: 0 };
    accountMailer.sendLinkInBackground('password_reset', user);
    accountMailer.sendLinkInBackground('email_verification', user);
    await accountMailer.settled();
    await smtp.waitForMail('ada@app.example', 2);
    const resetMail = smtp.mailsTo('ada@app.example').find((m) => m.decoded.includes('Bonjour'))!;
    const verifyMail = smtp.mailsTo('ada@app.example').find((m) => m !== resetMail)!;
    expect(resetMail).toBeDefined();
    expect(resetMail.decoded).toContain('Bonjour ada@app.example: https://app.example/reset?lang=fr&token=');
    expect(resetMail.decoded).toContain('(30 min)');
    expect(resetMail.decoded).toContain('<a href="https://app.example/reset?lang=fr&token=');
    expect(verifyMail.subject).toBe('Confirm your email address');
    const token = LocalSmtpServer.tokenIn(resetMail);
    const parsed = parseOneTimeToken('password_reset', token)!;
    expect(await store.consume({ kind: 'password_reset', ...parsed })).not.toBeNull();
  });
});

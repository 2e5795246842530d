import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../lib';

const SECURITY_HEADERS = {
  csp: "default-src 'none'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
    `<body><h1>${title}</h1>${body}<p id="result" role="status"></p><p><a href="/app">Back to the sample</a></p>` +
    '<script src="/account/account.js"></script></body></html>';
}

/** Reads the token from the link (then removes it from the address bar) and posts it to the auth routes. */
const SCRIPT = `'use strict';
const token = new URLSearchParams(location.search).get('token') || '';
history.replaceState(null, '', location.pathname);
const result = document.getElementById('result');
async function post(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status === 204) return null;
  const data = await res.json().catch(() => ({}));
  return data.message || data.code || ('HTTP ' + res.status);
}
const form = document.getElementById('reset');
if (form) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = await post('/auth/password/reset', { token, password: form.elements.password.value });
    result.textContent = error ? 'Not changed: ' + error : 'Your password has been changed. Sign in with it.';
  });
} else {
  post('/auth/email/verify', { token }).then((error) => {
    result.textContent = error ? 'Not verified: ' + error : 'Your email address is verified.';
  });
}
`;

/**
 * The pages the sample's mails link to (`AUTH_PUBLIC_URL` + `/account/reset-password?token=` and
 * `/account/verify-email?token=`). No inline script; `Referrer-Policy: no-referrer` so the token in the URL
 * never leaves in a Referer header.
 */
@Public()
@Controller('account')
export class AccountPagesController {
  @Get('reset-password')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', SECURITY_HEADERS.csp)
  @Header('Referrer-Policy', 'no-referrer')
  @Header('Cache-Control', 'no-store')
  resetPassword(): string {
    return page(
      'Choose a new password',
      '<form id="reset"><label>New password <input name="password" type="password" minlength="8" maxlength="128" ' +
        'autocomplete="new-password" required></label> <button type="submit">Change my password</button></form>',
    );
  }

  @Get('verify-email')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', SECURITY_HEADERS.csp)
  @Header('Referrer-Policy', 'no-referrer')
  @Header('Cache-Control', 'no-store')
  verifyEmail(): string {
    return page('Verifying your email address', '');
  }

  @Get('account.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header('X-Content-Type-Options', 'nosniff')
  script(): string {
    return SCRIPT;
  }
}

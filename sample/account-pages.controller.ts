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
}
// Verification happens on a button press, never on load (a link scanner that runs scripts must not verify for anyone),
// and only with the account's password: the click proves the mailbox, the password proves the registrant.
const verify = document.getElementById('verify');
if (verify) {
  verify.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = await post('/auth/email/verify', { token, password: verify.elements.password.value });
    result.textContent = error ? 'Not verified: ' + error : 'Your email address is verified.';
  });
  document.getElementById('not-me').addEventListener('click', async () => {
    const error = await post('/auth/email/verify/decline', { token });
    result.textContent = error
      ? 'Not done: ' + error
      : 'Done: whoever signed up with your address is signed out and their password removed. Use "Forgot password" to set yours.';
  });
}
// A magic link signs in on a button press, never on load (a link scanner that runs scripts must not use it up).
const magic = document.getElementById('magic');
if (magic) {
  magic.addEventListener('submit', async (event) => {
    event.preventDefault();
    const res = await fetch('/auth/magic-link/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }), credentials: 'same-origin' });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      result.textContent = 'Not signed in: ' + (data.message || data.code || ('HTTP ' + res.status)) + '. Ask for a new link.';
      return;
    }
    if (data.mfaRequired) {
      sessionStorage.setItem('authkit-mfa-token', data.mfaToken);
      location.assign('/app?mfa=required');
      return;
    }
    location.assign('/app'); // the refresh cookie is set: the page signs in with it
  });
}
`;

/**
 * The pages the sample's mails link to (`AUTH_PUBLIC_URL` + `/account/reset-password?token=` and
 * `/account/verify-email?token=`, and `/account/magic-link?token=`). No inline script; `Referrer-Policy: no-referrer` so the token in the URL
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
    return page(
      'Confirm your email address',
      '<form id="verify"><p>If you created this account, enter its password to confirm the address.</p>' +
        '<label>Password <input name="password" type="password" maxlength="128" autocomplete="current-password" required></label> ' +
        '<button type="submit">Confirm my email</button></form>' +
        '<p>Did not sign up? Someone else used your address: <button id="not-me" type="button">This was not me</button></p>',
    );
  }

  @Get('magic-link')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', SECURITY_HEADERS.csp)
  @Header('Referrer-Policy', 'no-referrer')
  @Header('Cache-Control', 'no-store')
  magicLink(): string {
    return page('Sign in', '<form id="magic"><p>You asked for a sign-in link.</p><button type="submit">Sign me in</button></form>');
  }

  @Get('account.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header('X-Content-Type-Options', 'nosniff')
  script(): string {
    return SCRIPT;
  }
}

// The sample's front end: plain browser JavaScript, no build step, no dependencies.
//
// Where the tokens live:
// - the access token: in the `accessToken` variable below, in memory only (never localStorage or a cookie
//   this script can read), sent as `Authorization: Bearer`; gone when the tab closes or reloads;
// - the refresh token: in the HttpOnly cookie the server sets. This script never sees it; the browser sends
//   it to /auth/refresh (and /auth/logout) by itself.
//
// So on load, and shortly before the access token expires, the page calls POST /auth/refresh. Every call that
// uses or replaces the cookie (refresh, login, register, logout) runs under one Web Lock shared by all tabs
// of this origin, so two tabs never present the same refresh token at once. Where Web Locks are missing, a
// concurrent refresh answers 401 `refresh_token_superseded`: the other tab won, its new cookie is (or is
// about to be) in the cookie jar, so we wait a moment and retry. It never means "logged out".
'use strict';

const providers = (document.documentElement.dataset.providers || '').split(',').filter(Boolean);
/** The OpenID Connect providers (OIDC_NAME): one "Sign in with <name>" link each. */
const oidcProviders = (document.documentElement.dataset.oidc || '').split(',').filter((name) => /^[a-z][a-z0-9-]{0,31}$/.test(name));
const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Readable text for each error `code` the API can answer (docs/front-end-guide.md). */
const MESSAGES = {
  invalid_credentials: 'Wrong email or password.',
  email_taken: 'An account with this email already exists. Log in instead.',
  validation_failed: 'Please enter a valid email and a password of 8 to 128 characters.',
  registration_disabled: 'Registration is closed.',
  user_disabled: 'This account is disabled.',
  too_many_attempts: 'Too many failed attempts. Try again in {retryAfter} seconds.',
  store_unavailable: 'The sign-in service is temporarily unavailable. Please try again in a moment.',
  network_error: 'The server cannot be reached. Check your connection and try again.',
  insufficient_role: 'You need the admin role to open the admin area.',
  session_not_found: 'That session has already ended.',
  cross_site_request: 'This request was refused because it came from another site.',
  refresh_token_invalid: 'Your session has ended. Please log in again.',
  refresh_token_reused: 'Your session was ended for your safety (an old sign-in token was used again). Please log in again.',
  session_revoked: 'Your session has ended. Please log in again.',
  oauth_access_denied: 'Sign-in was cancelled at the provider. Nothing was changed.',
  oauth_state_invalid: 'That sign-in attempt has expired or was already used. Please start the sign-in again.',
  oauth_provider_error: 'The provider could not complete the sign-in. Please try again.',
  oauth_code_rejected: 'The provider could not complete the sign-in. Please try again.',
  oauth_provider_unavailable: 'The provider cannot be reached right now. Please try again shortly.',
  oauth_email_unverified: 'Your provider account has no verified email address. Verify it there, then try again.',
  oauth_account_exists: 'An account with this email already exists. Log in with your password, then link the provider.',
  oauth_identity_in_use: 'This provider account is already linked to another user.',
  oauth_provider_already_linked: 'Another account of this provider is already linked.',
  oauth_provider_not_configured: 'This sign-in provider is not available.',
  oidc_id_token_invalid: 'The sign-in provider sent an answer that could not be verified. Nothing was changed; please try again.',
  mfa_code_invalid: 'That code is not valid (or was already used). Wait for the next code and try again.',
  mfa_token_invalid: 'The sign-in has expired. Please sign in again.',
  mfa_already_enabled: 'Two-factor authentication is already on.',
  mfa_not_enabled: 'Two-factor authentication is off.',
  mfa_setup_required: 'The setup has expired. Please start it again.',
  reauthentication_required: 'Please sign in again first.',
  passkey_challenge_invalid: 'The passkey request has expired. Please try again.',
  passkey_origin_invalid: 'That passkey response was made for another site.',
  passkey_counter_invalid: 'That passkey could not be verified (it may have been copied). Use another way to sign in.',
  passkey_invalid: 'That passkey could not be verified. It may have been removed from your account.',
  passkey_already_registered: 'This passkey is already registered.',
  passkey_limit_reached: 'You have too many passkeys: remove one first.',
  passkey_last_factor: 'This is your last second factor, which your account requires: add another first.',
  passkey_unsupported: 'This browser cannot use passkeys.',
  passkey_cancelled: 'The passkey request was cancelled.',
  org_mfa_required: 'This organization requires two-factor authentication: set it up, sign in again with it, then switch.',
  org_role_required: 'Your role in this organization does not allow this.',
  org_invitation_invalid: 'This invitation is invalid, used or expired.',
  org_invitation_email_mismatch: 'This invitation is for another email address (or yours is not verified yet).',
  org_already_member: 'You are a member of this organization already.',
};

function messageFor(result) {
  const fallback = result.status === 503 ? MESSAGES.store_unavailable : (result.status === 400 && result.message) || 'Something went wrong. Please try again.';
  const text = MESSAGES[result.code] || fallback;
  return text.replace('{retryAfter}', result.retryAfter || 'a few');
}

// ---- HTTP ---------------------------------------------------------------------------------------------

let accessToken = null;
let refreshTimer = null;
let started = false;

/** fetch with JSON in and out; never throws. Returns { ok, status, code, message, retryAfter, data }. */
async function call(method, path, { body, bearer = false } = {}) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (bearer && accessToken) headers.authorization = `Bearer ${accessToken}`;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    return { ok: false, status: 0, code: 'network_error' };
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  return {
    ok: response.ok, status: response.status, data,
    code: data && data.code, message: data && data.message, retryAfter: response.headers.get('retry-after'),
  };
}

/** Runs `task` while no other tab of this origin runs one (Web Locks API); without it, just runs it. */
function exclusive(task) {
  return navigator.locks ? navigator.locks.request('authkit-session', task) : task();
}

/** POST /auth/refresh with the cookie; a `superseded` answer is retried (it is never a logout). */
function refresh() {
  return exclusive(async () => {
    for (let attempt = 1; ; attempt++) {
      const result = await call('POST', '/auth/refresh');
      // Another tab rotated the cookie at the same moment. Its response puts the new cookie in the jar;
      // retrying within the server's 5 s window sends that one. 0.25 + 0.5 + 0.75 + 1 s at most.
      if (result.code === 'refresh_token_superseded' && attempt <= 4) {
        await sleep(250 * attempt);
        continue;
      }
      if (result.ok) signedIn(result.data);
      return result;
    }
  });
}

/** A call with the access token; an expired or missing one is refreshed once and the call repeated. */
async function api(method, path, body) {
  let result = await call(method, path, { bearer: true, body });
  if (result.status === 401 && /^(access_token_expired|access_token_missing|access_token_invalid)$/.test(result.code)) {
    const refreshed = await refresh();
    if (!refreshed.ok) return endSession(refreshed);
    result = await call(method, path, { bearer: true, body });
  }
  // A wrong second factor (a code, a passkey), or a sign-in too old for the action (step-up), is not the end of the session.
  if (result.status === 401 && !/^(mfa_|passkey_|reauthentication_required$)/.test(result.code)) return endSession(result);
  return result;
}

/** The session is gone (revoked elsewhere, expired): back to the signed-out view with the reason. */
function endSession(result) {
  signedOut();
  showError(messageFor(result));
  return { ...result, ok: false };
}

// ---- State and tabs -----------------------------------------------------------------------------------

// Tells the other tabs of this origin about sign-in and sign-out (same-origin, in memory; no token sent).
const tabs = 'BroadcastChannel' in window ? new BroadcastChannel('authkit-sample') : null;
if (tabs) {
  tabs.onmessage = ({ data }) => {
    if (data === 'signed-out' && accessToken) {
      signedOut();
      showNotice('You logged out in another tab.');
    }
    // Another tab signed in: the cookie jar holds a session; pick it up (not while this tab is still starting).
    if (data === 'signed-in' && started && !accessToken) refresh();
  };
}

function signedIn(tokens) {
  const wasSignedOut = !accessToken;
  accessToken = tokens.accessToken;
  activeOrg = activeOrganizationOf(tokens.accessToken);
  // Renew a minute before expiry (or at 80 % of a short lifetime), under the lock like any refresh.
  scheduleRefresh(Math.max(5, Math.min(tokens.expiresIn - 60, tokens.expiresIn * 0.8)) * 1000);
  $('email').textContent = tokens.user.email || '(no email)';
  $('roles').textContent = tokens.user.roles.length ? `(roles: ${tokens.user.roles.join(', ')})` : '';
  show('signed-in');
  if (wasSignedOut) {
    loadMfa();
    loadPasskeys();
    loadApiKeys();
    loadOrganizations();
    loadSessions(); // not awaited: it runs after the lock held by this refresh is released
    if (tabs) tabs.postMessage('signed-in');
  }
}

function scheduleRefresh(delayMs) {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    const result = await refresh();
    // Server or network briefly unavailable: keep the session, try again in 15 s.
    if (result.status === 0 || result.status === 503) scheduleRefresh(15_000);
    else if (!result.ok) endSession(result);
  }, delayMs);
}

function signedOut() {
  accessToken = null;
  activeOrg = null;
  $('orgs').replaceChildren();
  clearTimeout(refreshTimer);
  $('output').hidden = true;
  $('sessions').replaceChildren();
  show('signed-out');
}

function show(view) {
  $('mfa-challenge').hidden = true;
  $('mfa-enrol').hidden = true;
  $('signed-in').hidden = view !== 'signed-in';
  $('signed-out').hidden = view !== 'signed-out';
  $('status').textContent = view === 'signed-in' ? 'You are signed in.' : 'You are signed out.';
}

function showError(text) {
  $('notice').hidden = true;
  $('error').textContent = text;
  $('error').hidden = !text;
}

function showNotice(text) {
  $('error').hidden = true;
  $('notice').textContent = text;
  $('notice').hidden = !text;
}

function output(text) {
  $('output').textContent = text;
  $('output').hidden = false;
}

// ---- Actions ------------------------------------------------------------------------------------------

$('credentials').addEventListener('submit', async (event) => {
  event.preventDefault();
  const action = event.submitter && event.submitter.value === 'register' ? 'register' : 'login';
  const form = new FormData(event.target);
  const body = { email: form.get('email'), password: form.get('password') };
  const result = await exclusive(() => call('POST', `/auth/${action}`, { body }));
  if (!result.ok) return showError(messageFor(result));
  event.target.reset();
  if (result.data && result.data.mfaRequired) return secondFactor(result.data);
  if (result.data && result.data.status === 'verification_required') {
    // AUTH_REQUIRE_VERIFIED_EMAIL: the account exists, no session yet.
    return showNotice('Your account is ready. Confirm your email address with the link we sent, then sign in.');
  }
  signedIn(result.data);
  showNotice(action === 'register' ? 'Welcome! Your account is ready.' : 'Welcome back!');
});

$('profile').addEventListener('click', async () => {
  const result = await api('GET', '/profile');
  if (result.ok) output(`Your profile: ${JSON.stringify(result.data.user, null, 2)}`);
  else if (result.status) showError(messageFor(result));
});

$('admin').addEventListener('click', async () => {
  const result = await api('GET', '/admin');
  if (result.ok) output(`Admin area: ${result.data.message}`);
  else if (accessToken) showError(messageFor(result));
});

async function logout(everywhere) {
  // Log out uses the refresh cookie alone (works even before the first refresh); log out everywhere needs
  // the access token. Both clear the cookie.
  // (Not nested in `exclusive` when `api` may refresh: Web Locks are not re-entrant.)
  const result = everywhere ? await api('POST', '/auth/logout-all') : await exclusive(() => call('POST', '/auth/logout'));
  if (!result.ok && result.status !== 401) return showError(messageFor(result));
  signedOut();
  showNotice(everywhere ? 'You are logged out on every device.' : 'You are logged out.');
  if (tabs) tabs.postMessage('signed-out');
}
$('logout').addEventListener('click', () => logout(false));
$('logout-all').addEventListener('click', () => logout(true));

async function loadSessions() {
  const result = await api('GET', '/auth/sessions');
  if (!result.ok) return;
  const items = result.data.map((session) => {
    const item = document.createElement('li');
    const when = new Date(session.lastUsedAt).toLocaleString();
    // amr: how the session signed in (or last stepped up); `mfa` when a second factor was shown.
    const secondFactor = (session.amr || []).includes('mfa') ? ', with a second factor' : '';
    item.textContent = `${session.userAgent || 'Unknown device'}, ${session.ip || 'unknown ip'}, last used ${when}${secondFactor}` +
      (session.current ? ' (this browser) ' : ' ');
    const revoke = document.createElement('button');
    revoke.textContent = 'Revoke';
    revoke.addEventListener('click', async () => {
      const revoked = await api('DELETE', `/auth/sessions/${encodeURIComponent(session.id)}`);
      if (!revoked.ok && revoked.code !== 'session_not_found') return showError(messageFor(revoked));
      if (session.current) return logout(false);
      showNotice('The session was revoked.');
      loadSessions();
    });
    item.append(revoke);
    return item;
  });
  $('sessions').replaceChildren(...items);
}

// ---- Magic links and API keys -------------------------------------------------------------------------

$('magic-link').addEventListener('submit', async (event) => {
  event.preventDefault();
  const result = await call('POST', '/auth/magic-link', { body: { email: new FormData(event.target).get('email') } });
  if (!result.ok) return showError(messageFor(result));
  event.target.reset();
  showNotice('If an account has this email, a sign-in link is on its way.');
});

async function loadApiKeys() {
  const result = await api('GET', '/auth/api-keys');
  if (!result.ok) return;
  $('api-keys').replaceChildren(...result.data.map((key) => {
    const item = document.createElement('li');
    item.textContent = `${key.name} (${key.prefix}…, scopes: ${key.scopes.join(', ') || 'none'}, expires ${new Date(key.expiresAt).toLocaleDateString()}, ` +
      `last used ${key.lastUsedAt ? new Date(key.lastUsedAt).toLocaleString() : 'never'}) `;
    const revoke = document.createElement('button');
    revoke.textContent = 'Revoke';
    revoke.addEventListener('click', async () => {
      const revoked = await api('DELETE', `/auth/api-keys/${encodeURIComponent(key.id)}`);
      if (!revoked.ok && revoked.code !== 'api_key_not_found') return showError(messageFor(revoked));
      loadApiKeys();
    });
    item.append(revoke);
    return item;
  }));
}

$('api-key-create').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const result = await api('POST', '/auth/api-keys', { name: form.get('name'), scopes: form.get('admin') ? ['admin'] : [] });
  if (!result.ok) return showError(messageFor(result));
  event.target.reset();
  $('api-key-new').textContent = `Your new key (shown this once):\n${result.data.key}`;
  $('api-key-new').hidden = false;
  loadApiKeys();
});

// ---- Organizations (GET/POST /auth/orgs, POST /auth/orgs/active, members, invitations) ---------------------------

/** The active organization of this tab's access token (`org`, `org_roles` claims), or null. */
let activeOrg = null;

/** Reads `org` and `org_roles` from the access token's payload (display only: the server checks the signature). */
function activeOrganizationOf(token) {
  try {
    const claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return claims.org ? { id: claims.org, roles: claims.org_roles || [] } : null;
  } catch {
    return null;
  }
}

async function loadOrganizations() {
  const result = await api('GET', '/auth/orgs');
  if (!result.ok) return;
  if (activeOrg && !activeOrg.name) activeOrg.name = (result.data.find((org) => org.id === activeOrg.id) || {}).name;
  $('org-active').textContent = activeOrg ? `Active: ${activeOrg.name || activeOrg.id} (roles: ${activeOrg.roles.join(', ')})` : 'No active organization.';
  $('orgs').replaceChildren(...result.data.map((org) => {
    const item = document.createElement('li');
    item.textContent = `${org.name} (your roles: ${org.roles.join(', ')}${org.requireMfa ? ', requires two-factor' : ''}) `;
    const use = document.createElement('button');
    use.textContent = activeOrg && activeOrg.id === org.id ? 'Active' : 'Switch to it';
    use.disabled = Boolean(activeOrg && activeOrg.id === org.id);
    use.addEventListener('click', () => switchOrganization(org));
    item.append(use);
    return item;
  }));
  $('org-panel').hidden = !activeOrg;
  if (activeOrg) loadMembers();
}

/** POST /auth/orgs/active: a new access token naming the organization (same session, same refresh cookie). */
async function switchOrganization(org) {
  const result = await api('POST', '/auth/orgs/active', { orgId: org.id });
  if (!result.ok) return showError(messageFor(result));
  signedIn(result.data);
  if (activeOrg) activeOrg.name = org.name;
  loadOrganizations();
}

async function loadMembers() {
  const result = await api('GET', `/auth/orgs/${encodeURIComponent(activeOrg.id)}/members`);
  if (!result.ok) return;
  $('org-members').replaceChildren(...result.data.map((member) => {
    const item = document.createElement('li');
    item.textContent = `${member.userId} (${member.roles.join(', ')})`;
    return item;
  }));
}

$('org-create').addEventListener('submit', async (event) => {
  event.preventDefault();
  const result = await api('POST', '/auth/orgs', { name: new FormData(event.target).get('name') });
  if (!result.ok) return showError(messageFor(result));
  event.target.reset();
  loadOrganizations();
});

$('org-invite').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const result = await api('POST', `/auth/orgs/${encodeURIComponent(activeOrg.id)}/invitations`, { email: form.get('email'), roles: [form.get('role')] });
  if (!result.ok) return showError(messageFor(result));
  event.target.reset();
  showNotice('The invitation is on its way.');
});

/** An invitation link opens this page with `?token=`: accept it once signed in (the invited, verified address). */
async function acceptInvitation(token) {
  const result = await api('POST', '/auth/orgs/invitations/accept', { token });
  if (!result.ok) return showError(messageFor(result));
  showNotice('You joined the organization: switch to it below.');
  loadOrganizations();
}

// ---- Two-factor authentication ---------------------------------------------------------------------------

// The MFA token of a sign-in waiting for its second factor (in memory only). After an OAuth redirect it is null:
// the server keeps the pending sign-in in an HttpOnly cookie, which the browser sends by itself.
let mfaToken = null;

/** The password (or provider) was right; a second factor is asked for, or, by policy, an authenticator to set up. */
function secondFactor(challenge) {
  mfaToken = challenge.mfaToken || null;
  showError('');
  if (challenge.mfaEnrolmentRequired) {
    showNotice('Your account needs two-factor authentication: set up an authenticator app to continue.');
    return startEnrolment();
  }
  $('mfa-challenge').hidden = false;
  $('mfa-passkey').hidden = !(challenge.methods || []).includes('passkey');
  $('credentials').hidden = true;
  $('mfa-code').focus();
}

/** A 6-digit code or a recovery code, as the API wants it. */
function proofOf(text) {
  const value = String(text).trim();
  return /^\d{6}$/.test(value) ? { code: value } : { recoveryCode: value };
}

$('mfa-challenge').addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = { ...proofOf(new FormData(event.target).get('code')), ...(mfaToken ? { mfaToken } : {}) };
  const result = await exclusive(() => call('POST', '/auth/mfa/verify', { body }));
  event.target.reset();
  if (!result.ok) {
    showError(messageFor(result));
    if (result.code === 'mfa_token_invalid') endChallenge();
    return;
  }
  endChallenge();
  signedIn(result.data);
  showNotice('Welcome back!');
});

function endChallenge() {
  mfaToken = null;
  $('mfa-challenge').hidden = true;
  $('credentials').hidden = false;
}

/** Shows a new secret as a QR code and as text (signed in, or with the MFA token of an enrolment challenge). */
async function startEnrolment() {
  const result = mfaToken ? await call('POST', '/auth/mfa/totp/setup', { body: { mfaToken } }) : await api('POST', '/auth/mfa/totp/setup');
  if (!result.ok) return showError(messageFor(result));
  $('mfa-secret').textContent = result.data.secret;
  const qr = await call('POST', '/app/qr', { body: { otpauthUrl: result.data.otpauthUrl } });
  const svg = qr.ok ? new DOMParser().parseFromString(qr.data.svg, 'image/svg+xml').documentElement : null;
  $('mfa-qr').replaceChildren(...(svg && svg.nodeName === 'svg' ? [document.importNode(svg, true)] : []));
  $('mfa-recovery').hidden = true;
  $('mfa-enrol').hidden = false;
}

$('mfa-setup').addEventListener('click', startEnrolment);

$('mfa-confirm').addEventListener('submit', async (event) => {
  event.preventDefault();
  const code = String(new FormData(event.target).get('code')).trim();
  const result = mfaToken
    ? await exclusive(() => call('POST', '/auth/mfa/totp/confirm', { body: { code, mfaToken } }))
    : await api('POST', '/auth/mfa/totp/confirm', { code });
  event.target.reset();
  if (!result.ok) return showError(messageFor(result));
  if (mfaToken) {
    endChallenge();
    signedIn(result.data);
  }
  $('mfa-enrol').hidden = true;
  $('mfa-secret').textContent = '';
  $('mfa-qr').replaceChildren();
  $('mfa-recovery-codes').textContent = result.data.recoveryCodes.join('\n');
  $('mfa-recovery').hidden = false;
  showNotice('Two-factor authentication is on.');
  loadMfa();
});

$('mfa-disable').addEventListener('submit', async (event) => {
  event.preventDefault();
  // Step-up with the code (the session's auth_time and amr are renewed), then turn it off with that fresh token.
  const stepUp = await api('POST', '/auth/reauthenticate', proofOf(new FormData(event.target).get('code')));
  event.target.reset();
  if (!stepUp.ok) return showError(messageFor(stepUp));
  accessToken = stepUp.data.accessToken;
  const result = await api('DELETE', '/auth/mfa/totp', {});
  if (!result.ok) return showError(messageFor(result));
  $('mfa-recovery').hidden = true;
  showNotice('Two-factor authentication is off.');
  loadMfa();
});

async function loadMfa() {
  const result = await api('GET', '/auth/mfa');
  if (!result.ok) return;
  const { totp, recoveryCodesLeft } = result.data;
  $('mfa-status').textContent = totp ? `On (${recoveryCodesLeft} recovery codes left).` : 'Off.';
  $('mfa-setup').hidden = totp;
  $('mfa-disable').hidden = !totp;
}

// ---- Passkeys (WebAuthn) ------------------------------------------------------------------------------------
// The server's options are JSON (base64url); the browser's own JSON helpers turn them into what
// navigator.credentials wants and the credential back into JSON (an app with a build step can use
// @simplewebauthn/browser's startRegistration / startAuthentication instead).

const passkeysSupported = typeof PublicKeyCredential === 'function' && typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function';
// The pending conditional request (passkeys offered in the email field's autofill), aborted before any other.
let conditional = null;

/** navigator.credentials.create / get with JSON options; the credential as JSON, or { code } when it failed. */
async function webauthn(kind, options, mediation) {
  if (!passkeysSupported) return { code: 'passkey_unsupported' };
  if (conditional && mediation !== 'conditional') conditional.abort();
  const controller = new AbortController();
  if (mediation === 'conditional') conditional = controller;
  try {
    const credential = kind === 'create'
      ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options), signal: controller.signal })
      : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options), signal: controller.signal, ...(mediation ? { mediation } : {}) });
    return { credential: credential.toJSON() };
  } catch {
    return { code: 'passkey_cancelled' };
  } finally {
    if (conditional === controller) conditional = null;
  }
}

/** Sign in with a passkey alone (the button, or the email field's autofill when `mediation` is 'conditional'). */
async function passkeySignIn(mediation) {
  const options = await call('POST', '/auth/passkeys/authentication/options');
  if (!options.ok) return mediation ? undefined : showError(messageFor(options));
  const { credential, code } = await webauthn('get', options.data, mediation);
  if (!credential) return mediation ? undefined : showError(messageFor({ code }));
  const result = await exclusive(() => call('POST', '/auth/passkeys/authentication', { body: { response: credential } }));
  if (!result.ok) return showError(messageFor(result));
  signedIn(result.data);
  showNotice('Welcome back!');
}
$('passkey-sign-in').addEventListener('click', () => passkeySignIn());

/** The second factor with a passkey: options bound to the MFA token (or its cookie), then /auth/mfa/verify. */
$('mfa-passkey').addEventListener('click', async () => {
  const token = mfaToken ? { mfaToken } : {};
  const options = await call('POST', '/auth/mfa/passkey/options', { body: token });
  if (!options.ok) return showError(messageFor(options));
  const { credential, code } = await webauthn('get', options.data);
  if (!credential) return showError(messageFor({ code }));
  const result = await exclusive(() => call('POST', '/auth/mfa/verify', { body: { ...token, passkey: credential } }));
  if (!result.ok) {
    showError(messageFor(result));
    if (result.code === 'mfa_token_invalid') endChallenge();
    return;
  }
  mfaToken = null;
  signedIn(result.data);
  showNotice('Welcome back!');
});

$('passkey-add').addEventListener('click', async () => {
  const options = await api('POST', '/auth/passkeys/registration/options');
  if (!options.ok) return showError(messageFor(options));
  const { credential, code } = await webauthn('create', options.data);
  if (!credential) return showError(messageFor({ code }));
  const result = await api('POST', '/auth/passkeys/registration', { response: credential, name: `Passkey on ${navigator.platform || 'this device'}` });
  if (!result.ok) return showError(messageFor(result));
  showNotice('Your passkey was added. You can sign in with it alone from now on.');
  loadPasskeys();
  loadMfa();
});

/** A step-up with a passkey (POST /auth/reauthenticate): the access token then says the second factor was used just now. */
async function confirmWithPasskey() {
  const options = await api('POST', '/auth/passkeys/reauthentication/options');
  if (!options.ok) return options;
  const { credential, code } = await webauthn('get', options.data);
  if (!credential) return { ok: false, code };
  const result = await api('POST', '/auth/reauthenticate', { passkey: credential });
  if (result.ok) accessToken = result.data.accessToken;
  return result;
}

async function loadPasskeys() {
  const result = await api('GET', '/auth/passkeys');
  if (!result.ok) return;
  $('passkeys').replaceChildren(...result.data.map((passkey) => {
    const item = document.createElement('li');
    item.textContent = `${passkey.name}${passkey.backedUp ? ' (synced)' : ''}, added ${new Date(passkey.createdAt).toLocaleDateString()} `;
    const remove = document.createElement('button');
    remove.textContent = 'Remove';
    remove.addEventListener('click', async () => {
      const path = `/auth/passkeys/${encodeURIComponent(passkey.id)}`;
      let removed = await api('DELETE', path);
      if (removed.code === 'reauthentication_required') {
        const confirmed = await confirmWithPasskey();
        if (!confirmed.ok) return showError(messageFor(confirmed));
        removed = await api('DELETE', path);
      }
      if (!removed.ok) return showError(messageFor(removed));
      showNotice('The passkey was removed.');
      loadPasskeys();
      loadMfa();
    });
    item.append(remove);
    return item;
  }));
}

// ---- Start --------------------------------------------------------------------------------------------

(async function start() {
  for (const provider of providers) {
    if ($(provider)) $(provider).hidden = false;
  }
  for (const name of oidcProviders) {
    const link = document.createElement('a');
    link.className = 'button';
    link.id = `oidc-${name}`;
    link.href = `/auth/${name}`;
    link.textContent = `Sign in with ${name}`;
    $('providers').append(' ', link);
  }
  $('providers').hidden = providers.length === 0 && oidcProviders.length === 0;
  // After an OAuth sign-in the server redirects here: with `?error=<code>` on failure, else with the
  // refresh cookie set (and `?linked=<provider>` after linking). Read, then drop them from the address bar.
  const params = new URLSearchParams(location.search);
  const oauthError = params.get('error');
  const linked = params.get('linked');
  const mfaRequired = params.get('mfa') === 'required';
  const invitation = params.get('token');
  if (oauthError || linked || mfaRequired || invitation) history.replaceState(null, '', location.pathname);

  const result = await refresh();
  started = true;
  if (!result.ok) signedOut();
  // Signed out: offer the passkeys of this site in the email field's autofill (conditional UI), where supported.
  if (!result.ok && !mfaRequired && passkeysSupported && (await PublicKeyCredential.isConditionalMediationAvailable?.())) passkeySignIn('conditional');
  // The provider vouched; the second factor is next (the pending sign-in is in an HttpOnly cookie).
  // A magic link's sign-in that waits for its second factor leaves its MFA token here (/account/magic-link).
  const pendingMfa = sessionStorage.getItem('authkit-mfa-token');
  sessionStorage.removeItem('authkit-mfa-token');
  if (mfaRequired && !result.ok) return secondFactor(pendingMfa ? { mfaToken: pendingMfa } : {});
  if (oauthError) showError(messageFor({ code: oauthError }) + (result.ok ? ' You are still signed in.' : ''));
  else if (linked) showNotice(`Your ${linked} account is now linked.`);
  else if (invitation && result.ok) acceptInvitation(invitation);
  else if (invitation) showNotice('Sign in with the invited address, then open the invitation link again.');
  else if (!result.ok && result.code !== 'refresh_token_missing') showError(messageFor(result));
})();

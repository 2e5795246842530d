// A real OpenID Provider (panva's oidc-provider 9, ESM-only) for the oidc feature's tests, as its own node process:
//   node test/support/oidc-provider.mjs        -> prints one JSON line {"issuer": "http://127.0.0.1:<port>"} on stdout
// It listens on a free loopback port. The test drives it through POST /__control (JSON), never in-process:
//   { clients: [{ client_id, client_secret, redirect_uris, backchannel_logout_uri? }] }  registers the clients
//   { accounts: { <sub>: { email, email_verified, name } } }                           adds accounts (the login page
//                                                                                        signs in as any login name)
//   { rotate: true }       a new signing key (new kid) signs from now on; the old one stays published
//   { discovery: 'fail' | 'ok' }   /.well-known/openid-configuration answers 503 / normally
//   { tamper: <kind> }     the next token response's id_token is replaced by a tampered one (see TAMPER below)
//   { idTokenClaims: { <claim>: value } }  extra claims put into the id_tokens from now on (e.g. a second audience)
// GET /__control/jwks answers the private JWKS (tests sign their own logout tokens with it).
// Clients and keys change by building a new Provider on the same HTTP server; the in-memory adapter (a module-level
// store) keeps the sessions and grants across rebuilds.
import { createServer } from 'node:http';
import { createPublicKey, randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import Provider from 'oidc-provider';

const state = {
  clients: [],
  accounts: new Map(),
  keys: [],
  discoveryFails: false,
  tamper: null,
  idTokenClaims: {},
  provider: null,
};

async function newKey() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: `k${randomBytes(6).toString('hex')}`, alg: 'RS256', use: 'sig' };
}

function build(issuer) {
  const provider = new Provider(issuer, {
    clients: state.clients,
    jwks: { keys: state.keys },
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: {
      devInteractions: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    pkce: { required: () => true },
    // The back-channel logout goes to the app on loopback, which oidc-provider's SSRF guard (rightly) refuses in
    // production: this test provider lets its own requests through.
    fetch: (url, options) => {
      const { dispatcher: _guard, ...rest } = options;
      return globalThis.fetch(url, rest);
    },
    async findAccount(ctx, id) {
      const claims = state.accounts.get(id) ?? {};
      return { accountId: id, async claims() { return { sub: id, ...claims }; } };
    },
    // First-party clients: no consent screen, the requested scopes and claims are granted.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid email profile');
      await grant.save();
      return grant;
    },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
  });
  provider.on('server_error', (ctx, error) => process.stderr.write(`oidc-provider server_error: ${error.stack}\n`));
  provider.on('backchannel.error', (ctx, error) => process.stderr.write(`oidc-provider backchannel.error: ${error.message}\n`));
  // Extra id_token claims and the one-shot tamper, applied to the token endpoint's answer.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token' || ctx.status !== 200 || !ctx.body || typeof ctx.body.id_token !== 'string') return;
    const extra = Object.keys(state.idTokenClaims).length > 0;
    const kind = state.tamper;
    state.tamper = null;
    if (!extra && !kind) return;
    ctx.body = { ...ctx.body, id_token: await rewrite(ctx.body.id_token, kind, issuer) };
  });
  return provider;
}

async function sign(claims, header, key) {
  return new SignJWT(claims).setProtectedHeader(header).sign(await importJWK(key, header.alg));
}

// Each kind of tampering an RP must refuse.
async function rewrite(token, kind, issuer) {
  const claims = { ...decodeJwt(token), ...state.idTokenClaims };
  const header = decodeProtectedHeader(token);
  const key = state.keys.find((k) => k.kid === header.kid) ?? state.keys[0];
  const now = Math.floor(Date.now() / 1000);
  const resign = (changed, h = { alg: 'RS256', kid: key.kid }) => sign({ ...claims, ...changed }, h, key);
  switch (kind) {
    case null: case undefined: return resign({});
    case 'signature': {
      const [h, p, s] = token.split('.');
      const flipped = Buffer.from(s, 'base64url');
      flipped[10] ^= 0x01;
      // The provider's header and payload with one bit of the signature flipped.
      return [h, p, flipped.toString('base64url')].join('.');
    }
    case 'payload': {
      // The payload changed (another sub) under the original signature.
      const [h, , s] = token.split('.');
      return [h, Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url'), s].join('.');
    }
    case 'aud': return resign({ aud: 'another-client' });
    case 'iss': return resign({ iss: `${issuer}/evil` });
    case 'nonce': return resign({ nonce: randomBytes(16).toString('base64url') });
    case 'expired': return resign({ iat: now - 7200, exp: now - 3600 });
    case 'azp': return resign({ aud: [claims.aud, 'another-client'], azp: 'another-client' });
    case 'none': {
      const enc = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
      return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`;
    }
    case 'hs256': {
      // The classic confusion: HMAC keyed with the provider's PUBLIC key (as PEM, as a verifier would hold it).
      const pem = createPublicKey({ key: { kty: key.kty, n: key.n, e: key.e }, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
      return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: key.kid }).sign(Buffer.from(pem));
    }
    case 'foreign-key': {
      const { privateKey } = await generateKeyPair('RS256', { extractable: true });
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(privateKey);
    }
    default: throw new Error(`unknown tamper kind ${kind}`);
  }
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
}

async function main() {
  state.keys = [await newKey()];
  let issuer;
  const server = createServer(async (req, res) => {
    try {
      if (req.url === '/__control' && req.method === 'POST') {
        const body = await readJson(req);
        let rebuild = false;
        if (body.clients) { state.clients = body.clients; rebuild = true; }
        if (body.accounts) for (const [sub, claims] of Object.entries(body.accounts)) state.accounts.set(sub, claims);
        if (body.rotate) { state.keys = [await newKey(), ...state.keys]; rebuild = true; }
        if (body.discovery) state.discoveryFails = body.discovery === 'fail';
        if ('tamper' in body) state.tamper = body.tamper;
        if (body.idTokenClaims) state.idTokenClaims = body.idTokenClaims;
        if (rebuild) state.provider = build(issuer);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kids: state.keys.map((k) => k.kid) }));
        return;
      }
      if (req.url === '/__control/jwks' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys: state.keys }));
        return;
      }
      if (state.discoveryFails && req.url?.startsWith('/.well-known/openid-configuration')) {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('unavailable');
        return;
      }
      state.provider.callback()(req, res);
    } catch (error) {
      process.stderr.write(`oidc test provider: ${error.stack}\n`);
      res.writeHead(500);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${server.address().port}`;
  state.provider = build(issuer);
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The parent's end is ours: never outlive the test run.
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});

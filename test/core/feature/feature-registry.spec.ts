import 'reflect-metadata';
import { AuthModule, AuthEvent, AUTH_EVENT_NAMES, type AuthEventBase, MemoryRouteThrottle } from '../../../lib';
import { resolveAuthOptions, type AuthModuleOptions } from '../../../lib/auth.options';
import { BUILT_IN_FEATURES } from '../../../lib/auth.features';
import type { AuthFeature } from '../../../lib/core/feature/auth-feature';
import { checkKindName, gatherDeclarations } from '../../../lib/core/feature/feature-registry';
import { AuthEvents } from '../../../lib/core/events/auth-events.emitter';
import { KERNEL_ROUTE_LIMITS } from '../../../lib/core/throttling/throttle.options';
import { throttleRoute } from '../../../lib/core/throttling/throttled-route';
import { mintOneTimeToken } from '../../../lib/core/tokens/one-time-token';
import { TooManyRequestsError } from '../../../lib/core/errors/auth.errors';

const secret = 'test-secret-that-is-at-least-32-bytes-long!';
const kernel = { routeLimits: KERNEL_ROUTE_LIMITS, mailTemplates: {} };

// An app's feature contributing a throttled route (typed by declaration merging), a kind of mail and an event.
declare module '../../../lib/core/throttling/throttle.options' {
  interface RouteLimitOptions {
    inviteSend?: RouteCounterOptions<'ip' | 'user'>;
  }
}
declare module '../../../lib/core/events/auth-event.payloads' {
  interface AuthEventMap {
    'app.invite.sent': AuthEventBase & { userId: string; invitee: string };
  }
}
const invites: AuthFeature = {
  name: 'invites',
  build: () => ({ oneTimeTokenKinds: ['invitation'] }),
  routeLimits: { inviteSend: { ip: { limit: 10, windowMs: 60_000 }, user: { limit: 2, windowMs: 60_000 } } },
  mailTemplates: { invitation: ({ link }) => ({ subject: 'You are invited', text: link }) },
};

function resolveWith(options: Record<string, unknown>, features: readonly AuthFeature[] = BUILT_IN_FEATURES): unknown {
  return resolveAuthOptions({ jwt: { secret }, ...options } as AuthModuleOptions, features);
}

describe('kinds of one-time tokens and mails: snake_case names', () => {
  it.each(['password_reset', 'email_verification', 'invitation', 'a1_b2'])('accepts %s', (kind) => {
    expect(checkKindName(kind, 'kind')).toBe(kind);
  });

  it.each(['Password_reset', 'password-reset', '_reset', 'reset_', 'two__parts', '', 'a'.repeat(65), 42, null])('refuses %j', (kind) => {
    expect(() => checkKindName(kind, 'kind')).toThrow(TypeError);
  });

  it('a token of an undeclared-looking kind cannot be minted', () => {
    expect(() => mintOneTimeToken('Password Reset', 'u-1')).toThrow(/snake_case/);
    expect(mintOneTimeToken('invitation', 'u-1').token).toMatch(/^[\w-]+\.[\w-]{43}$/);
  });

  it('a feature returning a kind that is not snake_case stops the module', () => {
    const bad: AuthFeature = { name: 'bad', build: () => ({ oneTimeTokenKinds: ['Magic-Link'] }) };
    expect(() => AuthModule.forRoot({ jwt: { secret }, features: [bad] })).toThrow(/feature "bad"'s oneTimeTokenKinds: "Magic-Link"/);
    expect(() => AuthModule.forRoot({ jwt: { secret }, features: [invites] })).not.toThrow();
  });
});

describe('declarations of route limits and mail kinds, unioned over the kernel and the features', () => {
  it('the built-in ones: register (kernel), oauthStart (oauth), passwordForgot, emailVerification, passwordReset and emailVerify (recovery), orgCreate and orgInvitation (organizations), passkeyOptions (passkeys), magicLink and magicLinkVerify (magic-link); their mails', () => {
    const declared = gatherDeclarations(BUILT_IN_FEATURES, kernel);
    expect(Object.keys(declared.routeLimits).sort()).toEqual([
      'emailVerification', 'emailVerify', 'magicLink', 'magicLinkVerify', 'oauthStart', 'orgCreate', 'orgInvitation', 'passkeyOptions', 'passwordForgot',
      'passwordReset', 'register',
    ]);
    expect(Object.keys(declared.mailTemplates).sort()).toEqual([
      'email_verification', 'magic_link', 'mfa_disabled', 'mfa_enabled', 'mfa_recovery_code_used', 'org_invitation', 'passkey_added', 'passkey_removed',
      'password_changed', 'password_reset',
    ]);
  });

  it('a route or a kind of mail declared twice is refused, naming both owners', () => {
    const clash: AuthFeature = { name: 'clash', build: () => ({}), routeLimits: { register: { ip: { limit: 1, windowMs: 1 } } } };
    expect(() => gatherDeclarations([clash], kernel)).toThrow('route limit "register" is declared by both the kernel and feature "clash"');
    const twice: AuthFeature = { ...invites, name: 'invites-2' };
    expect(() => gatherDeclarations([invites, twice], kernel)).toThrow(/declared by both feature "invites" and feature "invites-2"/);
    const badMail: AuthFeature = { name: 'm', build: () => ({}), mailTemplates: { Welcome: () => ({ subject: '', text: '' }) } };
    expect(() => gatherDeclarations([badMail], kernel)).toThrow(/snake_case/);
  });

  it("an app feature's route is tuned under throttle.<route>, its counters checked; without the feature the key is refused", () => {
    const options = { throttle: { inviteSend: { user: { limit: 5 } } } };
    const resolved = resolveWith(options, [...BUILT_IN_FEATURES, invites]) as { routeLimits: Record<string, unknown> };
    expect(resolved.routeLimits.inviteSend).toEqual({ ip: { limit: 10, windowMs: 60_000 }, user: { limit: 5, windowMs: 60_000 } });
    expect(() => resolveWith(options)).toThrow('"throttle.inviteSend" is not an option of nestjs-authkit');
    expect(() => resolveWith({ throttle: { inviteSend: { email: false } } }, [...BUILT_IN_FEATURES, invites]))
      .toThrow('"throttle.inviteSend.email" is not an option');
  });

  it("an app feature's kind of mail takes mail.templates.<kind>; without the feature the kind is refused", () => {
    const options = { mail: { templates: { invitation: () => ({ subject: 's', text: 't' }) } } };
    expect(() => resolveWith(options, [...BUILT_IN_FEATURES, invites])).not.toThrow();
    expect(() => resolveWith(options)).toThrow('"mail.templates.invitation" is not a kind of mail (password_reset, email_verification, password_changed, mfa_enabled, mfa_disabled, mfa_recovery_code_used, org_invitation, passkey_added, passkey_removed, magic_link)');
  });

  it('throttleRoute charges a declared route and refuses one nobody declared', async () => {
    const resolved = resolveWith({}, [...BUILT_IN_FEATURES, invites]) as { routeLimits: Parameters<typeof throttleRoute>[1] };
    const throttle = new MemoryRouteThrottle();
    await throttleRoute(throttle, resolved.routeLimits, 'inviteSend', { ip: '10.0.0.1', user: 'u-1' });
    await throttleRoute(throttle, resolved.routeLimits, 'inviteSend', { ip: '10.0.0.1', user: 'u-1' });
    await expect(throttleRoute(throttle, resolved.routeLimits, 'inviteSend', { user: 'u-1' })).rejects.toBeInstanceOf(TooManyRequestsError);
    // @ts-expect-error a route nobody declared does not compile either
    await expect(throttleRoute(throttle, resolved.routeLimits, 'nowhere', { ip: 'x' })).rejects.toThrow('route "nowhere" has no declared limits');
  });
});

describe('the open event map', () => {
  it('the public AuthEvent lists the kernel\'s and every built-in feature\'s events', () => {
    expect(AuthEvent.IdentityLinked).toBe('authkit.identity.linked');
    expect(AuthEvent.PasswordReset).toBe('authkit.password.reset');
    expect(AuthEvent.AccountDeleted).toBe('authkit.account.deleted');
    expect(AuthEvent.MfaRecoveryCodeUsed).toBe('authkit.mfa.recovery_code_used');
    expect(AuthEvent.OrgMemberRemoved).toBe('authkit.org.member_removed');
    expect(AuthEvent.PasskeyFailed).toBe('authkit.passkey.failed');
    expect(AUTH_EVENT_NAMES).toHaveLength(39);
    expect(new Set(AUTH_EVENT_NAMES).size).toBe(39);
  });

  it("emit is type-checked for an app's events merged into AuthEventMap", () => {
    const sent: unknown[] = [];
    const events = new AuthEvents(undefined, { emit: (name, payload) => sent.push([name, payload]) });
    events.emit('app.invite.sent', { userId: 'u-1', invitee: 'ada@example.com', at: 1 });
    // @ts-expect-error the payload of an app's event is checked
    events.emit('app.invite.sent', { userId: 'u-1', at: 1 });
    // @ts-expect-error so is a built-in one's
    events.emit(AuthEvent.IdentityLinked, { userId: 'u-1', at: 1 });
    // @ts-expect-error and an undeclared name
    events.emit('app.nothing', { at: 1 });
    expect(sent[0]).toEqual(['app.invite.sent', { userId: 'u-1', invitee: 'ada@example.com', at: 1 }]);
  });
});

import { Controller, Get, Param } from '@nestjs/common';
import { CurrentOrg, type CurrentOrganization, OrgRoles, UserStore } from '../../lib';
import { SessionIssuer } from '../../lib/core/sign-in/session-issuer';
import { base32Decode, hotp, totpStep } from '../../lib/features/mfa/totp';
import { OrganizationInvitationMailer } from '../../lib/features/organizations/organization-invitation.mailer';
import { RecordingMailer } from '../support/recovery-fixture';
import { createTestApp, http, type HttpResult, type TestApp, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';

/** An app's own routes guarded by the active organization's roles. */
@Controller('app')
class OrgAppController {
  @OrgRoles('member')
  @Get('org')
  org(@CurrentOrg() org: CurrentOrganization | null): CurrentOrganization | null {
    return org;
  }

  @OrgRoles('admin')
  @Get('org/admin')
  admin(): { admin: true } {
    return { admin: true };
  }

  @OrgRoles('admin')
  @Get('orgs/:orgId/settings')
  settings(@Param('orgId') orgId: string): { orgId: string } {
    return { orgId };
  }
}

interface Client {
  id: string;
  email: string;
  accessToken: string;
  refreshToken: string;
}

function claimsOf(accessToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('organizations (real HTTP, real Redis)', () => {
  let t: TestApp;
  const mailer = new RecordingMailer();
  const call = (method: string, path: string, init: Parameters<typeof http>[3] = {}): Promise<HttpResult> => http(t.url, method, path, init);

  beforeAll(async () => {
    t = await createTestApp(
      {
        organizations: { invitationUrl: 'http://app.test/invitations' }, mailer, throttle: { orgInvitation: { user: { limit: 3 } } },
        mfa: { encryptionKeys: [{ id: 'k1', key: Buffer.alloc(32, 7) }] },
      },
      {}, { controllers: [OrgAppController] },
    );
  });

  afterAll(async () => {
    await t?.close();
  });

  async function register(verified = true): Promise<Client> {
    const email = uniqueEmail('org');
    const reg = await call('POST', '/auth/register', { json: { email, password: PASSWORD } });
    expect(reg.status).toBe(201);
    if (verified) await t.app.get<UserStore>(UserStore).markEmailVerified(reg.body.user.id);
    return { id: reg.body.user.id, email, accessToken: reg.body.accessToken, refreshToken: reg.body.refreshToken };
  }

  async function createOrg(owner: Client, name: string): Promise<string> {
    const created = await call('POST', '/auth/orgs', { token: owner.accessToken, json: { name } });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  /** Makes `orgId` the client's active organization; the client now holds the new access token. */
  async function activate(client: Client, orgId: string | null): Promise<HttpResult> {
    const answer = await call('POST', '/auth/orgs/active', { token: client.accessToken, json: { orgId } });
    if (answer.status === 200) client.accessToken = answer.body.accessToken;
    return answer;
  }

  async function refresh(client: Client): Promise<void> {
    const answer = await call('POST', '/auth/refresh', { json: { refreshToken: client.refreshToken } });
    expect(answer.status).toBe(200);
    client.accessToken = answer.body.accessToken;
    client.refreshToken = answer.body.refreshToken;
  }

  /** `inviter` (with `orgId` active) invites `email`; the mailed token. */
  async function invite(inviter: Client, orgId: string, email: string, roles: string[]): Promise<string> {
    const sent = await call('POST', `/auth/orgs/${orgId}/invitations`, { token: inviter.accessToken, json: { email, roles } });
    expect(sent.status).toBe(201);
    await t.app.get(OrganizationInvitationMailer).settled();
    return mailer.lastToken(email);
  }

  async function join(inviter: Client, orgId: string, member: Client, roles: string[]): Promise<void> {
    const token = await invite(inviter, orgId, member.email, roles);
    const accepted = await call('POST', '/auth/orgs/invitations/accept', { token: member.accessToken, json: { token } });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ orgId, roles });
  }

  it('one user, two organizations, different roles: @OrgRoles allows and denies per the active organization; another :orgId is refused', async () => {
    const [alice, bob, carol] = [await register(), await register(), await register()];
    const org1 = await createOrg(alice, 'Acme');
    const org2 = await createOrg(bob, 'Globex');
    expect((await activate(alice, org1)).status).toBe(200);
    expect((await activate(bob, org2)).status).toBe(200);
    await join(alice, org1, carol, ['admin']);
    await join(bob, org2, carol, ['member']);

    const mine = await call('GET', '/auth/orgs', { token: carol.accessToken });
    expect(mine.body.map((o: { id: string; roles: string[] }) => [o.id, o.roles]).sort()).toEqual([[org1, ['admin']], [org2, ['member']]].sort());

    // No active organization yet.
    expect((await call('GET', '/app/org', { token: carol.accessToken })).body.code).toBe('org_not_active');

    const switched = await activate(carol, org1);
    expect(switched.body.org).toEqual({ id: org1, roles: ['admin'] });
    expect(claimsOf(carol.accessToken)).toMatchObject({ org: org1, org_roles: ['admin'] });
    expect((await call('GET', '/app/org/admin', { token: carol.accessToken })).status).toBe(200);
    expect((await call('GET', `/app/orgs/${org1}/settings`, { token: carol.accessToken })).status).toBe(200);
    const other = await call('GET', `/app/orgs/${org2}/settings`, { token: carol.accessToken });
    expect([other.status, other.body.code]).toEqual([403, 'org_not_active']);
    // The library's own :orgId routes too.
    expect((await call('GET', `/auth/orgs/${org2}/members`, { token: carol.accessToken })).body.code).toBe('org_not_active');

    await activate(carol, org2);
    const denied = await call('GET', '/app/org/admin', { token: carol.accessToken });
    expect([denied.status, denied.body.code]).toEqual([403, 'org_role_required']);
    expect((await call('GET', '/app/org', { token: carol.accessToken })).body).toEqual({ id: org2, roles: ['member'] });
    // The active organization outlives a refresh, and a step-up.
    await refresh(carol);
    expect(claimsOf(carol.accessToken)).toMatchObject({ org: org2, org_roles: ['member'] });
    const stepUp = await call('POST', '/auth/reauthenticate', { token: carol.accessToken, json: { password: PASSWORD } });
    expect(stepUp.status).toBe(200);
    expect(claimsOf(stepUp.body.accessToken)).toMatchObject({ org: org2, org_roles: ['member'] });

    // Not a member: no switching there.
    const dave = await register();
    expect((await activate(dave, org1)).body.code).toBe('org_membership_required');
  });

  it('a removal or role change reaches live tokens at the next request (401 access_token_stale), and the refresh signs the new claims', async () => {
    const [alice, carol] = [await register(), await register()];
    const org = await createOrg(alice, 'Initech');
    await activate(alice, org);
    await join(alice, org, carol, ['admin']);
    await activate(carol, org);
    expect((await call('GET', '/app/org/admin', { token: carol.accessToken })).status).toBe(200);

    const demoted = await call('PATCH', `/auth/orgs/${org}/members/${carol.id}`, { token: alice.accessToken, json: { roles: ['member'] } });
    expect(demoted.status).toBe(200);
    const stale = await call('GET', '/app/org/admin', { token: carol.accessToken });
    expect([stale.status, stale.body.code]).toEqual([401, 'access_token_stale']);
    await refresh(carol);
    expect((await call('GET', '/app/org/admin', { token: carol.accessToken })).body.code).toBe('org_role_required');
    expect((await call('GET', '/app/org', { token: carol.accessToken })).status).toBe(200);

    const removed = await call('DELETE', `/auth/orgs/${org}/members/${carol.id}`, { token: alice.accessToken });
    expect(removed.status).toBe(204);
    expect((await call('GET', '/app/org', { token: carol.accessToken })).body.code).toBe('access_token_stale');
    await refresh(carol);
    expect(claimsOf(carol.accessToken).org).toBeUndefined();
    expect((await call('GET', '/app/org', { token: carol.accessToken })).body.code).toBe('org_not_active');
    // Routes without organization claims are not disturbed by the change.
    expect((await call('GET', '/profile', { token: carol.accessToken })).status).toBe(200);
  });

  it('an invitation is accepted once, and only by a signed-in user whose verified email is the invited one', async () => {
    const alice = await register();
    const org = await createOrg(alice, 'Umbrella');
    await activate(alice, org);
    const invited = await register(false);
    const stranger = await register();
    const token = await invite(alice, org, invited.email, ['member']);
    const accept = (client: Client, body: unknown = { token }) => call('POST', '/auth/orgs/invitations/accept', { token: client.accessToken, json: body });

    expect((await accept(stranger)).body.code).toBe('org_invitation_email_mismatch');
    expect((await accept(invited)).body.code).toBe('org_invitation_email_mismatch');
    expect((await call('POST', '/auth/orgs/invitations/accept', { json: { token } })).status).toBe(401);
    await t.app.get<UserStore>(UserStore).markEmailVerified(invited.id);
    expect((await accept(invited)).status).toBe(200);
    const again = await accept(invited);
    expect([again.status, again.body.code]).toEqual([400, 'org_invitation_invalid']);
    expect((await accept(invited, { token: `${token.slice(0, -2)}xx` })).body.code).toBe('org_invitation_invalid');
    expect((await accept(invited, { token: 'nonsense' })).body.code).toBe('org_invitation_invalid');
    // Only admins invite.
    await activate(invited, org);
    const refused = await call('POST', `/auth/orgs/${org}/invitations`, { token: invited.accessToken, json: { email: uniqueEmail(), roles: ['member'] } });
    expect([refused.status, refused.body.code]).toEqual([403, 'org_role_required']);
  });

  it('admins list the pending invitations (never a token or hash) and revoke one: its link is refused at accept', async () => {
    const [alice, bob, dave] = [await register(), await register(), await register()];
    const org = await createOrg(alice, 'Cyberdyne');
    await activate(alice, org);
    await join(alice, org, bob, ['member']);
    const token = await invite(alice, org, dave.email, ['admin']);
    const listed = await call('GET', `/auth/orgs/${org}/invitations`, { token: alice.accessToken });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('cache-control')).toBe('no-store');
    expect(listed.body).toEqual([{ id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), email: dave.email.toLowerCase(), roles: ['admin'], invitedBy: alice.id, expiresAt: expect.any(String) }]);
    const secret = token.split('.').pop() as string;
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    const id = listed.body[0].id as string;

    // A member is no admin: neither lists nor revokes.
    await activate(bob, org);
    expect((await call('GET', `/auth/orgs/${org}/invitations`, { token: bob.accessToken })).body.code).toBe('org_role_required');
    expect((await call('DELETE', `/auth/orgs/${org}/invitations/${id}`, { token: bob.accessToken })).body.code).toBe('org_role_required');
    // Another organization's route is refused.
    const other = await createOrg(alice, 'Tyrell');
    expect((await call('DELETE', `/auth/orgs/${other}/invitations/${id}`, { token: alice.accessToken })).body.code).toBe('org_not_active');

    expect((await call('DELETE', `/auth/orgs/${org}/invitations/${id}`, { token: alice.accessToken })).status).toBe(204);
    const again = await call('DELETE', `/auth/orgs/${org}/invitations/${id}`, { token: alice.accessToken });
    expect([again.status, again.body.code]).toEqual([404, 'org_invitation_not_found']);
    expect((await call('GET', `/auth/orgs/${org}/invitations`, { token: alice.accessToken })).body).toEqual([]);
    const accepted = await call('POST', '/auth/orgs/invitations/accept', { token: dave.accessToken, json: { token } });
    expect([accepted.status, accepted.body.code]).toEqual([400, 'org_invitation_invalid']);
  });

  it('an owner deletes the organization after a recent sign-in: members, invitations and live tokens naming it go', async () => {
    const [alice, bob, dave] = [await register(), await register(), await register()];
    const org = await createOrg(alice, 'Initech');
    await activate(alice, org);
    await join(alice, org, bob, ['admin']);
    await activate(bob, org);
    const token = await invite(alice, org, dave.email, ['member']);

    expect((await call('DELETE', `/auth/orgs/${org}`, { token: bob.accessToken })).body.code).toBe('org_role_required');
    // The same session, signed in an hour ago: the step-up is asked for.
    const user = (await t.app.get<UserStore>(UserStore).findById(alice.id))!;
    const issuer = t.app.get(SessionIssuer);
    const sid = claimsOf(alice.accessToken).sid as string;
    const old = issuer.accessTokenFor(user, sid, { amr: ['pwd'], authTime: Date.now() - 3_600_000 }, undefined, await issuer.sessionClaims(user, sid));
    const stale = await call('DELETE', `/auth/orgs/${org}`, { token: old.accessToken });
    expect([stale.status, stale.body.code]).toEqual([401, 'reauthentication_required']);

    expect((await call('DELETE', `/auth/orgs/${org}`, { token: alice.accessToken })).status).toBe(204);
    expect((await call('GET', '/app/org', { token: bob.accessToken })).body.code).toBe('access_token_stale');
    await refresh(bob);
    expect(claimsOf(bob.accessToken).org).toBeUndefined();
    expect((await call('GET', '/auth/orgs', { token: bob.accessToken })).body).toEqual([]);
    const accepted = await call('POST', '/auth/orgs/invitations/accept', { token: dave.accessToken, json: { token } });
    expect(accepted.body.code).toBe('org_invitation_invalid');
    await refresh(alice);
    expect((await call('DELETE', `/auth/orgs/${org}`, { token: alice.accessToken })).body.code).toBe('org_not_active');
    expect((await activate(alice, org)).body.code).toBe('org_membership_required');
  });

  it('requireMfa (set by an owner): making the organization active needs a sign-in with a second factor (403 org_mfa_required), then step-up works', async () => {
    const [alice, bob] = [await register(), await register()];
    const org = await createOrg(alice, 'Massive Dynamic');
    await activate(alice, org);
    await join(alice, org, bob, ['admin']);
    await activate(bob, org);
    expect((await call('PATCH', `/auth/orgs/${org}`, { token: bob.accessToken, json: { requireMfa: true } })).body.code).toBe('org_role_required');
    expect((await call('PATCH', `/auth/orgs/${org}`, { token: alice.accessToken, json: { requireMfa: 'yes' } })).body.code).toBe('validation_failed');
    const set = await call('PATCH', `/auth/orgs/${org}`, { token: alice.accessToken, json: { requireMfa: true } });
    expect([set.status, set.body]).toEqual([200, { requireMfa: true }]);
    expect((await call('GET', '/auth/orgs', { token: alice.accessToken })).body).toEqual([expect.objectContaining({ id: org, requireMfa: true })]);

    const refused = await activate(alice, org);
    expect([refused.status, refused.body.code]).toEqual([403, 'org_mfa_required']);
    expect((await activate(bob, org)).body.code).toBe('org_mfa_required');
    // Leaving for no organization is always allowed.
    expect((await activate(bob, null)).status).toBe(200);

    // Alice enrols TOTP, steps up with a code, and may make it active.
    const setup = await call('POST', '/auth/mfa/totp/setup', { token: alice.accessToken });
    expect(setup.status).toBe(200);
    const secret = base32Decode(setup.body.secret)!;
    expect((await call('POST', '/auth/mfa/totp/confirm', { token: alice.accessToken, json: { code: hotp(secret, totpStep(Date.now()) - 1) } })).status).toBe(200);
    const stepped = await call('POST', '/auth/reauthenticate', { token: alice.accessToken, json: { code: hotp(secret, totpStep(Date.now())) } });
    expect(stepped.status).toBe(200);
    alice.accessToken = stepped.body.accessToken;
    expect(claimsOf(alice.accessToken).amr).toContain('mfa');
    const allowed = await activate(alice, org);
    expect([allowed.status, allowed.body.org]).toEqual([200, { id: org, roles: ['owner'] }]);
  });

  it('the last owner can neither leave nor be demoted; after a transfer the former owner can leave', async () => {
    const [alice, carol] = [await register(), await register()];
    const org = await createOrg(alice, 'Hooli');
    await activate(alice, org);
    await join(alice, org, carol, ['member']);

    const leave = await call('DELETE', `/auth/orgs/${org}/members/${alice.id}`, { token: alice.accessToken });
    expect([leave.status, leave.body.code]).toEqual([409, 'org_last_owner']);
    const demote = await call('PATCH', `/auth/orgs/${org}/members/${alice.id}`, { token: alice.accessToken, json: { roles: ['admin'] } });
    expect([demote.status, demote.body.code]).toEqual([409, 'org_last_owner']);

    await activate(carol, org);
    expect((await call('POST', `/auth/orgs/${org}/transfer`, { token: carol.accessToken, json: { userId: alice.id } })).body.code).toBe('org_role_required');
    expect((await call('POST', `/auth/orgs/${org}/transfer`, { token: alice.accessToken, json: { userId: carol.id } })).status).toBe(204);
    // Both tokens carried the old roles.
    expect((await call('GET', '/app/org', { token: alice.accessToken })).body.code).toBe('access_token_stale');
    await refresh(alice);
    await refresh(carol);
    expect(claimsOf(alice.accessToken).org_roles).toEqual(['admin']);
    expect(claimsOf(carol.accessToken).org_roles).toEqual(['owner', 'member']);
    const carolLeaves = await call('DELETE', `/auth/orgs/${org}/members/${carol.id}`, { token: carol.accessToken });
    expect(carolLeaves.body.code).toBe('org_last_owner');
    expect((await call('DELETE', `/auth/orgs/${org}/members/${alice.id}`, { token: alice.accessToken })).status).toBe(204);
    const members = await call('GET', `/auth/orgs/${org}/members`, { token: carol.accessToken });
    expect(members.body).toEqual([{ orgId: org, userId: carol.id, roles: ['owner', 'member'] }]);
  });

  it('invitations are limited per inviting user (throttle.orgInvitation): 429 with Retry-After', async () => {
    const alice = await register();
    const org = await createOrg(alice, 'Wayne');
    await activate(alice, org);
    for (let i = 0; i < 3; i++) await invite(alice, org, uniqueEmail(), ['member']);
    const refused = await call('POST', `/auth/orgs/${org}/invitations`, { token: alice.accessToken, json: { email: uniqueEmail(), roles: ['member'] } });
    expect([refused.status, refused.body.code]).toEqual([429, 'too_many_requests']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('concurrent accepts of one invitation make exactly one membership', async () => {
    const alice = await register();
    const org = await createOrg(alice, 'Stark');
    await activate(alice, org);
    const erin = await register();
    const token = await invite(alice, org, erin.email, ['member']);
    const answers = await Promise.all(Array.from({ length: 8 }, () =>
      call('POST', '/auth/orgs/invitations/accept', { token: erin.accessToken, json: { token } })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 200).map((a) => a.body.code)).toEqual(Array(7).fill('org_invitation_invalid'));
    const members = await call('GET', `/auth/orgs/${org}/members`, { token: alice.accessToken });
    expect(members.body.filter((m: { userId: string }) => m.userId === erin.id)).toHaveLength(1);
  });
});

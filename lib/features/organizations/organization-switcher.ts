import { Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedUser, ClientInfo, TokenPair } from '../../core/auth.types';
import { SessionRevokedError } from '../../core/errors/auth.errors';
import { AuthEvents } from '../../core/events/auth-events.emitter';
import { UserStore } from '../../core/ports/user-store.interface';
import { type ResolvedSessionOptions, SESSION_OPTIONS } from '../../core/sessions/session.options';
import { SessionIssuer } from '../../core/sign-in/session-issuer';
import { activeOrganizationOf, type CurrentOrganization } from './org-roles.guard';
import { OrganizationMembershipRequiredError, OrganizationMfaRequiredError } from './organizations.errors';
import { OrganizationEvent } from './organizations.events';
import { OrganizationStore } from './organization-store.interface';

/** What `POST /auth/orgs/active` answers: a new access token for the same session (the refresh token is unchanged). */
export type OrganizationSwitchResponse = Omit<TokenPair, 'refreshToken'> & { org: CurrentOrganization | null };

/**
 * Switches a session's active organization: records it for the session (so every refresh keeps it) and signs a new
 * access token whose `org` and `org_roles` say it, under the user's current claims version.
 */
@Injectable()
export class OrganizationSwitcher {
  constructor(
    @Inject(OrganizationStore) private readonly store: OrganizationStore,
    @Inject(UserStore) private readonly users: UserStore,
    private readonly issuer: SessionIssuer,
    private readonly events: AuthEvents,
    @Inject(SESSION_OPTIONS) private readonly sessions: Pick<ResolvedSessionOptions, 'sessionAbsoluteTtlSeconds'>,
  ) {}

  /**
   * Makes `orgId` (null: none) the session's active organization; 403 `org_membership_required` for a non-member,
   * `org_mfa_required` when the organization requires a second factor the session's sign-in did not use.
   */
  async switch(actor: AuthenticatedUser, orgId: string | null, client: ClientInfo): Promise<OrganizationSwitchResponse> {
    if (orgId !== null) {
      const organization = (await this.store.organizationsOf(actor.id)).find((o) => o.id === orgId);
      if (!organization) throw new OrganizationMembershipRequiredError();
      if (organization.requireMfa && !actor.amr?.includes('mfa')) throw new OrganizationMfaRequiredError();
    }
    const user = await this.users.findById(actor.id);
    if (!user || user.disabled) throw new SessionRevokedError();
    await this.store.setActiveOrganization(actor.id, actor.sessionId, orgId, this.sessions.sessionAbsoluteTtlSeconds * 1000);
    const [appClaims, sessionClaims] = await Promise.all([this.issuer.appClaims(user), this.issuer.sessionClaims(user, actor.sessionId)]);
    const authentication = { amr: actor.amr ?? [], authTime: actor.authTime ?? Date.now() };
    const tokens = this.issuer.accessTokenFor(user, actor.sessionId, authentication, appClaims, sessionClaims);
    this.events.emitFor(client, OrganizationEvent.OrgSwitched, { userId: actor.id, sessionId: actor.sessionId, orgId });
    const org = sessionClaims?.claims ? activeOrganizationOf({ ...actor, claims: sessionClaims.claims }) : null;
    return { ...tokens, org };
  }
}

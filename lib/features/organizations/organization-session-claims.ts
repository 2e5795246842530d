import { Inject, Injectable } from '@nestjs/common';
import type { StoredUser } from '../../core/ports/user-store.interface';
import type { SessionClaimsSource } from '../../core/sessions/session-claims';
import { ORG_CLAIM, ORG_ROLES_CLAIM } from './org-roles.guard';
import { OrganizationStore } from './organization-store.interface';

/**
 * The session claims of the organizations feature (`SESSION_CLAIMS`): the session's active organization (`org`) and
 * the user's roles there (`org_roles`), read on every refresh (the session's active organization, then the
 * membership: two store calls). A member removed meanwhile loses the active organization.
 */
@Injectable()
export class OrganizationSessionClaims implements SessionClaimsSource {
  readonly names: readonly string[] = Object.freeze([ORG_CLAIM, ORG_ROLES_CLAIM]);

  constructor(@Inject(OrganizationStore) private readonly store: OrganizationStore) {}

  async claimsFor(user: StoredUser, sessionId: string): Promise<Readonly<Record<string, unknown>> | undefined> {
    const orgId = await this.store.activeOrganization(user.id, sessionId);
    if (orgId === null) return undefined;
    const roles = await this.store.roles(orgId, user.id);
    if (roles === null) {
      await this.store.setActiveOrganization(user.id, sessionId, null, 0);
      return undefined;
    }
    return { [ORG_CLAIM]: orgId, [ORG_ROLES_CLAIM]: roles };
  }
}

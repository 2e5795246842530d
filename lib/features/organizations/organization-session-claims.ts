import { Inject, Injectable } from '@nestjs/common';
import type { StoredUser } from '../../core/ports/user-store.interface';
import type { SessionClaimsSource } from '../../core/sessions/session-claims';
import { ORG_CLAIM, ORG_ROLES_CLAIM } from './org-roles.guard';
import { OrganizationStore } from './organization-store.interface';

/**
 * The session claims of the organizations feature (`SESSION_CLAIMS`): the session's active organization (`org`) and
 * the user's roles there (`org_roles`), read on every refresh: the session's active organization (one store call),
 * and when there is one, after the kernel read the claims version, the membership (one more).
 */
@Injectable()
export class OrganizationSessionClaims implements SessionClaimsSource {
  readonly names: readonly string[] = Object.freeze([ORG_CLAIM, ORG_ROLES_CLAIM]);

  constructor(@Inject(OrganizationStore) private readonly store: OrganizationStore) {}

  /** The session's active organization. */
  contextOf(user: StoredUser, sessionId: string): Promise<string | null> {
    return this.store.activeOrganization(user.id, sessionId);
  }

  /** The user's roles there (read after the claims version); a member removed meanwhile loses the active organization. */
  async claimsFor(user: StoredUser, sessionId: string, orgId: string): Promise<Readonly<Record<string, unknown>> | undefined> {
    const roles = await this.store.roles(orgId, user.id);
    if (roles === null) {
      await this.store.setActiveOrganization(user.id, sessionId, null, 0);
      return undefined;
    }
    return { [ORG_CLAIM]: orgId, [ORG_ROLES_CLAIM]: roles };
  }
}

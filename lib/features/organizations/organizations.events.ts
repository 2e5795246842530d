import type { AuthEventMap, UserEvent } from '../../core/events/auth-event.payloads';

/** The events of the organizations feature. `userId` is the member concerned, `actorId` who acted. Never an email or token. */
export const OrganizationEvent = {
  OrgCreated: 'authkit.org.created',
  OrgInvitationSent: 'authkit.org.invitation_sent',
  OrgInvitationRevoked: 'authkit.org.invitation_revoked',
  OrgMemberJoined: 'authkit.org.member_joined',
  OrgMemberRolesChanged: 'authkit.org.member_roles_changed',
  OrgMemberRemoved: 'authkit.org.member_removed',
  OrgOwnershipTransferred: 'authkit.org.ownership_transferred',
  OrgSwitched: 'authkit.org.switched',
  OrgDeleted: 'authkit.org.deleted',
  OrgPolicyChanged: 'authkit.org.policy_changed',
} as const satisfies Record<string, keyof AuthEventMap>;

export interface OrganizationEventPayload extends UserEvent {
  orgId: string;
  /** Who acted, when not the member concerned. */
  actorId?: string;
  roles?: string[];
}

export interface OrganizationMemberRemovedEvent extends OrganizationEventPayload {
  /** `left`: the member left; `removed`: an admin or owner removed them. */
  reason: 'left' | 'removed';
}

export interface OrganizationSwitchedEvent extends UserEvent {
  sessionId: string;
  /** The session's active organization now (null: none). */
  orgId: string | null;
}

declare module '../../core/events/auth-event.payloads' {
  interface AuthEventMap {
    'authkit.org.created': OrganizationEventPayload;
    'authkit.org.invitation_sent': OrganizationEventPayload;
    'authkit.org.invitation_revoked': OrganizationEventPayload;
    'authkit.org.member_joined': OrganizationEventPayload;
    'authkit.org.member_roles_changed': OrganizationEventPayload;
    'authkit.org.member_removed': OrganizationMemberRemovedEvent;
    'authkit.org.ownership_transferred': OrganizationEventPayload;
    'authkit.org.switched': OrganizationSwitchedEvent;
    'authkit.org.deleted': OrganizationEventPayload;
    'authkit.org.policy_changed': OrganizationEventPayload & { requireMfa: boolean };
  }
}

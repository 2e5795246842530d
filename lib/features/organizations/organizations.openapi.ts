import type { Type } from '@nestjs/common';
import {
  documentRoutes, EMAIL, type ErrorDoc, JSON_BODY_ERRORS, loadSwagger, MAILED_TOKEN, Model, requestModel, SIGNED_IN, STORE_DOWN, TOKEN_FIELDS,
} from '../../core/http/openapi';
import type { ResolvedOrganizationsOptions } from './organizations.options';

const ROLES = { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 32 };
const ID = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' };
const ORGANIZATION_FIELDS = {
  id: { type: 'string' }, name: { type: 'string' }, createdAt: { type: 'integer', description: 'epoch ms' }, requireMfa: { type: 'boolean' },
};
const ORGANIZATION = new Model('AuthkitOrganization', ORGANIZATION_FIELDS);
const USER_ORGANIZATION = new Model('AuthkitUserOrganization', { ...ORGANIZATION_FIELDS, roles: ROLES });
const MEMBER = new Model('AuthkitOrganizationMember', { orgId: { type: 'string' }, userId: { type: 'string' }, roles: ROLES });
const ACTIVE_ORG = new Model('AuthkitActiveOrganization', { id: { type: 'string' }, roles: ROLES });
const SWITCHED = new Model('AuthkitOrganizationSwitch', { ...TOKEN_FIELDS, org: ACTIVE_ORG });
const JOINED = new Model('AuthkitOrganizationJoined', { orgId: { type: 'string' }, roles: ROLES });
const INVITED = new Model('AuthkitOrganizationInvitationSent', {
  id: { type: 'string' }, orgId: { type: 'string' }, roles: ROLES, expiresAt: { type: 'string', format: 'date-time' },
});
const PENDING = new Model('AuthkitOrganizationInvitation', {
  id: { type: 'string' }, email: { type: 'string', format: 'email' }, roles: ROLES, invitedBy: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' },
});
const POLICY = new Model('AuthkitOrganizationPolicy', { requireMfa: { type: 'boolean' } });
const ROLES_MODEL = new Model('AuthkitOrganizationRoles', { roles: ROLES });

const BODY: ErrorDoc = [400, ['validation_failed', 'malformed_json']];
const ORG_ROUTE: ErrorDoc = [403, ['org_not_active', 'org_role_required']];
const SIGNED_IN_FRESH: ErrorDoc = [401, [...SIGNED_IN[1], 'access_token_stale']];

/** Documents the organization routes, when the app has `@nestjs/swagger` (left out without the `organizations` option). */
export function documentOrganizationRoutes(controllers: { organizations: Type; members: Type }, options: ResolvedOrganizationsOptions): void {
  const swagger = loadSwagger();
  if (!swagger) return;
  const enabled = options.enabled;
  documentRoutes(swagger, controllers.organizations, {
    create: {
      summary: 'Create an organization; the caller is its owner', enabled, security: ['bearer'],
      body: requestModel('AuthkitCreateOrganizationRequest', { name: { type: 'string', minLength: 1, maxLength: options.maxNameLength } }),
      success: { status: 201, description: 'Created', schema: ORGANIZATION }, errors: [BODY, SIGNED_IN_FRESH, [429, ['too_many_requests']], ...JSON_BODY_ERRORS, STORE_DOWN],
    },
    list: {
      summary: "The caller's organizations, with the caller's roles", enabled, security: ['bearer'],
      success: { status: 200, description: 'Organizations', schema: [USER_ORGANIZATION] }, errors: [SIGNED_IN_FRESH, STORE_DOWN],
    },
    activate: {
      summary: "Make an organization (null: none) the session's active one: a new access token with org and org_roles (same refresh token)",
      enabled, security: ['bearer'], body: requestModel('AuthkitActiveOrganizationRequest', { orgId: { ...ID, nullable: true } }),
      success: { status: 200, description: 'The new access token', schema: SWITCHED },
      errors: [BODY, SIGNED_IN_FRESH, [403, ['org_membership_required', 'org_mfa_required']], ...JSON_BODY_ERRORS, STORE_DOWN],
    },
    setPolicy: {
      summary: "Set the active organization's policy (owner): requireMfa, members must sign in with a second factor to make it active",
      enabled, security: ['bearer'], body: requestModel('AuthkitOrganizationPolicyRequest', { requireMfa: { type: 'boolean' } }),
      success: { status: 200, description: 'The policy now', schema: POLICY },
      errors: [BODY, SIGNED_IN_FRESH, ORG_ROUTE, ...JSON_BODY_ERRORS, STORE_DOWN],
    },
    delete: {
      summary: 'Delete the active organization with its memberships and pending invitations (owner; recent sign-in with the second factor)',
      enabled, security: ['bearer'], success: { status: 204, description: 'Deleted' },
      errors: [[401, [...SIGNED_IN_FRESH[1], 'reauthentication_required']], [403, ['org_not_active', 'org_role_required', 'org_membership_required']], STORE_DOWN],
    },
    accept: {
      summary: 'Accept an invitation: the caller\'s verified email must be the invited one', enabled, security: ['bearer'],
      body: requestModel('AuthkitAcceptInvitationRequest', { token: MAILED_TOKEN }),
      success: { status: 200, description: 'Joined', schema: JOINED },
      errors: [[400, [...BODY[1], 'org_invitation_invalid']], SIGNED_IN_FRESH, [403, ['org_invitation_email_mismatch']], [409, ['org_already_member']], ...JSON_BODY_ERRORS, STORE_DOWN],
    },
  });
  documentRoutes(swagger, controllers.members, {
    members: {
      summary: 'The members of the active organization', enabled, security: ['bearer'],
      success: { status: 200, description: 'Members', schema: [MEMBER] }, errors: [SIGNED_IN_FRESH, ORG_ROUTE, STORE_DOWN],
    },
    invite: {
      summary: 'Invite an address with roles (admin; an owner invitation needs owner): a single-use link is mailed', enabled, security: ['bearer'],
      body: requestModel('AuthkitInviteMemberRequest', { email: EMAIL, roles: ROLES }),
      success: { status: 201, description: 'Invited', schema: INVITED },
      errors: [[400, [...BODY[1], 'org_role_invalid']], SIGNED_IN_FRESH, ORG_ROUTE, [429, ['too_many_requests']], ...JSON_BODY_ERRORS, STORE_DOWN],
    },
    pending: {
      summary: 'The pending invitations of the active organization (admin); never their tokens', enabled, security: ['bearer'],
      success: { status: 200, description: 'Pending invitations', schema: [PENDING] }, errors: [SIGNED_IN_FRESH, ORG_ROUTE, STORE_DOWN],
    },
    revoke: {
      summary: 'Revoke a pending invitation (admin; an owner invitation needs owner): its link is refused from then on', enabled, security: ['bearer'],
      success: { status: 204, description: 'Revoked' }, errors: [SIGNED_IN_FRESH, ORG_ROUTE, [404, ['org_invitation_not_found']], STORE_DOWN],
    },
    setRoles: {
      summary: "Replace a member's roles (admin; an owner's, or owner itself, needs owner)", enabled, security: ['bearer'],
      body: requestModel('AuthkitOrganizationRolesRequest', { roles: ROLES }),
      success: { status: 200, description: 'The roles now', schema: ROLES_MODEL },
      errors: [[400, [...BODY[1], 'org_role_invalid']], SIGNED_IN_FRESH, ORG_ROUTE, [404, ['org_member_not_found']], [409, ['org_last_owner']], ...JSON_BODY_ERRORS, STORE_DOWN],
    },
    remove: {
      summary: 'Remove a member (admin; an owner needs owner), or leave (your own id)', enabled, security: ['bearer'],
      success: { status: 204, description: 'Removed' }, errors: [SIGNED_IN_FRESH, ORG_ROUTE, [404, ['org_member_not_found']], [409, ['org_last_owner']], STORE_DOWN],
    },
    transfer: {
      summary: 'Hand the ownership to another member (owner); the caller becomes admin', enabled, security: ['bearer'],
      body: requestModel('AuthkitTransferOwnershipRequest', { userId: ID }),
      success: { status: 204, description: 'Transferred' },
      errors: [BODY, SIGNED_IN_FRESH, ORG_ROUTE, [404, ['org_member_not_found']], ...JSON_BODY_ERRORS, STORE_DOWN],
    },
  });
}

import { AuthError } from '../../core/errors/auth.errors';

/** The route needs an active organization (`POST /auth/orgs/active`), and, for a route with `:orgId`, that one. */
export class OrganizationNotActiveError extends AuthError {
  static override readonly code = 'org_not_active';
  static override readonly httpStatus = 403;
  static override readonly defaultMessage = 'Make this organization the active one first';
}

/** The user lacks the organization role the route asks for (`@OrgRoles`). */
export class OrganizationRoleRequiredError extends AuthError {
  static override readonly code = 'org_role_required';
  static override readonly httpStatus = 403;
  static override readonly defaultMessage = 'Your role in this organization does not allow this';
}

/** The user is no member of that organization (or it does not exist: one answer for both). */
export class OrganizationMembershipRequiredError extends AuthError {
  static override readonly code = 'org_membership_required';
  static override readonly httpStatus = 403;
  static override readonly defaultMessage = 'You are not a member of this organization';
}

/** The member named in the route is no member of the organization. */
export class OrganizationMemberNotFoundError extends AuthError {
  static override readonly code = 'org_member_not_found';
  static override readonly httpStatus = 404;
  static override readonly defaultMessage = 'No such member';
}

/** The change would leave the organization without an owner: transfer the ownership first. */
export class LastOwnerError extends AuthError {
  static override readonly code = 'org_last_owner';
  static override readonly httpStatus = 409;
  static override readonly defaultMessage = 'An organization keeps at least one owner: transfer the ownership first';
}

/** A role the organizations do not know (`organizations.roles`), or roles given as nothing. */
export class OrganizationRoleInvalidError extends AuthError {
  static override readonly code = 'org_role_invalid';
  static override readonly httpStatus = 400;
  static override readonly defaultMessage = 'Unknown or missing organization role';
}

/** The invitation link is unknown, used or expired. */
export class InvitationInvalidError extends AuthError {
  static override readonly code = 'org_invitation_invalid';
  static override readonly httpStatus = 400;
  static override readonly defaultMessage = 'The invitation is invalid or has expired';
}

/** The invitation is for another address, or the user's address is not verified yet. */
export class InvitationEmailMismatchError extends AuthError {
  static override readonly code = 'org_invitation_email_mismatch';
  static override readonly httpStatus = 403;
  static override readonly defaultMessage = 'This invitation is for another email address, or yours is not verified yet';
}

/** The invitation was for a user who is a member already (it is used up). */
export class OrganizationAlreadyMemberError extends AuthError {
  static override readonly code = 'org_already_member';
  static override readonly httpStatus = 409;
  static override readonly defaultMessage = 'You are a member of this organization already';
}

/** No pending invitation with that id in the organization (used, revoked, expired, or never made). */
export class InvitationNotFoundError extends AuthError {
  static override readonly code = 'org_invitation_not_found';
  static override readonly httpStatus = 404;
  static override readonly defaultMessage = 'No such pending invitation';
}

/**
 * The organization asks its members to use a second factor (`requireMfa`) and this session's sign-in did not: step up
 * (`POST /auth/reauthenticate` with a code), or enrol one first, then make it active again.
 */
export class OrganizationMfaRequiredError extends AuthError {
  static override readonly code = 'org_mfa_required';
  static override readonly httpStatus = 403;
  static override readonly defaultMessage = 'This organization requires a second factor: sign in again with it (POST /auth/reauthenticate) or enrol one';
}

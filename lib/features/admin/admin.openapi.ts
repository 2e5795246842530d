import type { Type } from '@nestjs/common';
import {
  documentRoutes, type ErrorDoc, JSON_BODY_ERRORS, loadSwagger, Model, requestModel, ROLE_MISSING, type RouteDoc, SESSION_MODEL, SIGNED_IN, STORE_DOWN, USER_MODEL,
} from '../../core/http/openapi';

const ADMIN_USER_MODEL = new Model('AuthkitAdminUser', { ...USER_MODEL.properties, emailVerified: { type: 'boolean' }, disabled: { type: 'boolean' } });
const SET_ROLES_REQUEST = requestModel('AuthkitSetRolesRequest', { roles: { type: 'array', maxItems: 64, items: { type: 'string', minLength: 1, maxLength: 64 } } });

/** The admin routes (`adminRoutes: true`): the `admin` role required. */
function adminRoutes(): Record<string, RouteDoc> {
  const admin: ErrorDoc[] = [SIGNED_IN, ROLE_MISSING];
  const user: ErrorDoc = [404, ['user_not_found']];
  return {
    getUser: {
      summary: 'A user', security: ['bearer'],
      success: { status: 200, description: 'The user', schema: ADMIN_USER_MODEL },
      errors: [...admin, user, STORE_DOWN],
    },
    setRoles: {
      summary: "Replace a user's roles (their sessions get the new roles at their next refresh)", security: ['bearer'],
      body: SET_ROLES_REQUEST,
      success: { status: 204, description: 'Roles set' },
      errors: [[400, ['validation_failed', 'malformed_json']], ...admin, user, ...JSON_BODY_ERRORS, STORE_DOWN],
    },
    disable: {
      summary: 'Disable a user: every session ends, sign-in refused', security: ['bearer'],
      success: { status: 204, description: 'Disabled' }, errors: [...admin, user, STORE_DOWN],
    },
    enable: {
      summary: 'Enable a disabled user', security: ['bearer'],
      success: { status: 204, description: 'Enabled' }, errors: [...admin, user, STORE_DOWN],
    },
    sessions: {
      summary: "A user's sessions", security: ['bearer'],
      success: { status: 200, description: 'One entry per session', schema: [SESSION_MODEL] }, errors: [...admin, user, STORE_DOWN],
    },
    revokeAll: {
      summary: "End every session of a user", security: ['bearer'],
      success: { status: 204, description: 'Sessions ended' }, errors: [...admin, user, STORE_DOWN],
    },
    revokeOne: {
      summary: "End one session of a user", security: ['bearer'],
      success: { status: 204, description: 'Session ended' }, errors: [...admin, [404, ['user_not_found', 'session_not_found']], STORE_DOWN],
    },
    deleteUser: {
      summary: 'Delete a user, their identities and sessions', security: ['bearer'],
      success: { status: 204, description: 'Deleted' }, errors: [...admin, user, STORE_DOWN],
    },
  };
}


/** Documents the admin routes, when the app has `@nestjs/swagger`. */
export function documentAdminRoutes(controller: Type): void {
  const swagger = loadSwagger();
  if (swagger) documentRoutes(swagger, controller, adminRoutes());
}

import type { Provider } from '@nestjs/common';
import { AUTHKIT_REDIS } from '../../core/auth.constants';
import { type AuthFeature, openApiDocs } from '../../core/feature/auth-feature';
import { SESSION_VERSIONS, type SessionVersions } from '../../core/ports/session-versions.interface';
import { SESSION_CLAIMS } from '../../core/sessions/session-claims';
import { type ResolvedSessionOptions, SESSION_OPTIONS } from '../../core/sessions/session.options';
import { type RedisClient, REDIS_OPTIONS, type ResolvedRedisOptions } from '../../adapters/redis/redis.options';
import { MemoryOrganizationData, MemoryOrganizationInvitationStore, MemoryOrganizationStore } from './memory-organization.stores';
import { OrgRolesGuard } from './org-roles.guard';
import { OrganizationInvitationMailer } from './organization-invitation.mailer';
import { OrganizationInvitations } from './organization-invitations.service';
import { OrganizationRoles } from './organization-roles';
import { OrganizationSessionClaims } from './organization-session-claims';
import { OrganizationInvitationStore, OrganizationStore } from './organization-store.interface';
import { OrganizationSwitcher } from './organization-switcher';
import { OrganizationMembersController, OrganizationsController } from './organizations.controller';
import { ORGANIZATION_MAIL_TEMPLATES } from './organizations.mail-templates';
import { ORGANIZATIONS_OPTIONS, type ResolvedOrganizationsOptions } from './organizations.options';
import { OrganizationsService } from './organizations.service';
import { RedisOrganizationInvitationStore, RedisOrganizationStore } from './redis-organization.stores';
import { documentOrganizationRoutes } from './organizations.openapi';
import { ORGANIZATION_ROUTE_LIMITS } from './organizations.route-limits';

const MEMORY_DATA = Symbol('authkit:organizations-memory-data');

const stores: Provider[] = [
  { provide: MEMORY_DATA, useFactory: () => new MemoryOrganizationData() },
  {
    provide: OrganizationStore,
    inject: [ORGANIZATIONS_OPTIONS, REDIS_OPTIONS, AUTHKIT_REDIS, MEMORY_DATA],
    useFactory: (options: ResolvedOrganizationsOptions, redis: ResolvedRedisOptions, client: RedisClient | null, data: MemoryOrganizationData): OrganizationStore =>
      options.stores?.organizations ?? (client ? new RedisOrganizationStore(client, redis.keyPrefix) : new MemoryOrganizationStore(data)),
  },
  {
    provide: OrganizationInvitationStore,
    inject: [ORGANIZATIONS_OPTIONS, REDIS_OPTIONS, AUTHKIT_REDIS, MEMORY_DATA],
    useFactory: (options: ResolvedOrganizationsOptions, redis: ResolvedRedisOptions, client: RedisClient | null, data: MemoryOrganizationData): OrganizationInvitationStore =>
      options.stores?.invitations ?? (client ? new RedisOrganizationInvitationStore(client, redis.keyPrefix) : new MemoryOrganizationInvitationStore(data)),
  },
];

/**
 * The kernel's extension point, only with the `organizations` option (else refreshes read nothing more). Organization
 * claims must reach live tokens at their next request: with `accessTokenValidation: 'session'` the session store must
 * keep claims versions (the default stores do; an app's own session store does not), else the app refuses to start.
 */
const sessionClaims: Provider = {
  provide: SESSION_CLAIMS,
  inject: [ORGANIZATIONS_OPTIONS, SESSION_OPTIONS, SESSION_VERSIONS, OrganizationSessionClaims],
  useFactory: (options: ResolvedOrganizationsOptions, sessions: ResolvedSessionOptions, versions: SessionVersions | null, claims: OrganizationSessionClaims) => {
    if (!options.enabled) return null;
    if (sessions.accessTokenValidation === 'session' && !versions) {
      throw new TypeError(
        'nestjs-authkit: option "organizations" needs a session store with claims versions (the default Redis or memory one) under ' +
          "accessTokenValidation 'session': a custom sessionStore cannot make a membership change reach live tokens",
      );
    }
    return claims;
  },
};

/**
 * Organizations (`organizations` option; its routes answer 404 without it): multi-tenant roles, invitations, the
 * session's active organization in the access token (`org`, `org_roles`), `@OrgRoles` and `@CurrentOrg`.
 */
export const organizationsFeature: AuthFeature = {
  name: 'organizations',
  mailTemplates: ORGANIZATION_MAIL_TEMPLATES,
  routeLimits: ORGANIZATION_ROUTE_LIMITS,
  build: (context) => {
    const providers: Provider[] = [
      ...stores, OrganizationRoles, OrgRolesGuard, OrganizationSessionClaims, sessionClaims, OrganizationInvitationMailer, OrganizationsService,
      OrganizationInvitations, OrganizationSwitcher,
    ];
    const exports = [OrganizationStore, OrganizationInvitationStore, OrgRolesGuard, OrganizationRoles, OrganizationsService, OrganizationInvitations];
    if (!context.controllers) return { providers, exports };
    const organizations = context.mount(OrganizationsController);
    const members = context.mount(OrganizationMembersController);
    const docs = openApiDocs('organizations', [ORGANIZATIONS_OPTIONS], (options: ResolvedOrganizationsOptions) =>
      documentOrganizationRoutes({ organizations, members }, options));
    return { providers: [...providers, docs], exports, controllers: [organizations, members] };
  },
};

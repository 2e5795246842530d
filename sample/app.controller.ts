import { Controller, Get, Inject, Optional } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AllowApiKey, AUTHKIT_REDIS, type AuthenticatedUser, CurrentOrg, type CurrentOrganization, CurrentUser, OrgRoles, Public, Roles } from '../lib';

@Controller()
export class AppController {
  constructor(@Optional() @Inject(AUTHKIT_REDIS) private readonly redis: Redis | null) {}

  /** Public, no I/O. */
  @Public()
  @Get()
  index(): { name: string; app: string; docs: string } {
    return { name: 'nestjs-authkit sample', app: '/app', docs: 'POST /auth/register, POST /auth/login, GET /profile, GET /admin' };
  }

  /** Public; pings Redis when configured. */
  @Public()
  @Get('health')
  async health(): Promise<{ status: string; store: string }> {
    if (!this.redis) return { status: 'ok', store: 'memory' };
    try {
      await this.redis.ping();
      return { status: 'ok', store: 'redis' };
    } catch {
      return { status: 'degraded', store: 'redis-unreachable' };
    }
  }

  /** Any signed-in user. */
  @AllowApiKey()
  @Get('profile')
  profile(@CurrentUser() user: AuthenticatedUser): { user: AuthenticatedUser } {
    return { user };
  }

  /** Any member of the session's active organization (`POST /auth/orgs/active`). */
  @OrgRoles('member')
  @Get('org')
  org(@CurrentOrg() org: CurrentOrganization, @CurrentUser('id') userId: string): { orgId: string; orgRoles: string[]; userId: string } {
    return { orgId: org.id, orgRoles: org.roles, userId };
  }

  /** Admins (or owners) of the session's active organization. */
  @OrgRoles('admin')
  @Get('org/admin')
  orgAdmin(@CurrentOrg() org: CurrentOrganization): { message: string; orgId: string } {
    return { message: 'Welcome, organization admin', orgId: org.id };
  }

  /** Admins only. */
  @AllowApiKey({ scopes: ['admin'] })
  @Roles('admin')
  @Get('admin')
  admin(@CurrentUser('id') userId: string): { message: string; userId: string } {
    return { message: 'Welcome, admin', userId };
  }
}

import { Controller, Get, Inject, Optional } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AllowApiKey, AUTHKIT_REDIS, type AuthenticatedUser, CurrentUser, Public, Roles } from '../lib';

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

  /** Admins only. */
  @AllowApiKey({ scopes: ['admin'] })
  @Roles('admin')
  @Get('admin')
  admin(@CurrentUser('id') userId: string): { message: string; userId: string } {
    return { message: 'Welcome, admin', userId };
  }
}

import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth.types';
import { transportUser } from './transport-request';

/**
 * Injects the authenticated principal (`request.user`), or one of its fields, in HTTP controllers, GraphQL
 * resolvers and WebSocket gateways alike.
 *
 * @example
 * ```ts
 * @Get('profile')
 * profile(@CurrentUser() user: AuthenticatedUser, @CurrentUser('id') userId: string) { ... }
 * ```
 */
export const CurrentUser = createParamDecorator(
  (field: keyof AuthenticatedUser | undefined, context: ExecutionContext) => {
    const user = transportUser(context);
    return field ? user?.[field] : user;
  },
);

import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth.types';

/**
 * Injects the authenticated principal (`request.user`), or one of its fields.
 *
 * @example
 * ```ts
 * @Get('profile')
 * profile(@CurrentUser() user: AuthenticatedUser, @CurrentUser('id') userId: string) { ... }
 * ```
 */
export const CurrentUser = createParamDecorator(
  (field: keyof AuthenticatedUser | undefined, context: ExecutionContext) => {
    const user: AuthenticatedUser | undefined = context.switchToHttp().getRequest()?.user;
    return field ? user?.[field] : user;
  },
);

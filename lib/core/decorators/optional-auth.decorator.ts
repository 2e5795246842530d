import { SetMetadata } from '@nestjs/common';
import { OPTIONAL_AUTH_KEY } from '../auth.constants';

/**
 * Authentication is optional on this route (or every route of a controller): with a valid access token the
 * handler sees the user (`@CurrentUser()`), without one, or with an invalid, expired or revoked one, it runs
 * anonymously (`@CurrentUser()` is `undefined`). Redis down still answers 503 when a token is presented.
 *
 * @example
 * ```ts
 * @OptionalAuth()
 * @Get('articles')
 * list(@CurrentUser() user?: AuthenticatedUser) { return this.articles.visibleTo(user?.id); }
 * ```
 */
export const OptionalAuth = (): MethodDecorator & ClassDecorator => SetMetadata(OPTIONAL_AUTH_KEY, true);

import { SetMetadata } from '@nestjs/common';
import { IS_PUBLIC_KEY } from '../auth.constants';

/**
 * Opens a route (or every route of a controller) to unauthenticated requests when the global
 * `AccessTokenGuard` is on.
 *
 * @example
 * ```ts
 * @Public()
 * @Get('health')
 * health() { return 'ok'; }
 * ```
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

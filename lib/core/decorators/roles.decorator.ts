import { SetMetadata } from '@nestjs/common';
import { ROLES_KEY } from '../auth.constants';

/**
 * Requires ANY of the given roles (with the configured `roleHierarchy` applied). A handler's
 * `@Roles()` replaces its controller's. Unauthenticated -> 401, authenticated without the role -> 403.
 *
 * @example
 * ```ts
 * @Roles('admin')
 * @Get('admin')
 * admin() { ... }
 * ```
 */
export const Roles = (...roles: string[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

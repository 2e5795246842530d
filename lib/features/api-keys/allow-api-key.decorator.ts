import { SetMetadata } from '@nestjs/common';
import { type ApiKeyRoute, SCOPE } from './api-key-routes';

export type { ApiKeyRoute };

/** The metadata key of `@AllowApiKey()`. */
export const ALLOW_API_KEY_KEY = 'authkit:allow-api-key';

/**
 * Lets API keys (the `apiKeys` option) reach this route or controller, in the `Authorization: Bearer` header only;
 * every other route (unless the `apiKeys.routes` option names it) refuses them (401 `api_key_not_accepted`). With `scopes`, the key needs one of them (else 403
 * `api_key_scope_missing`). `@Roles` still applies: a key's principal has its owner's roles narrowed to the key's
 * scopes, so `@Roles('admin')` passes only for a key with the scope `admin` whose owner is an admin.
 *
 * @example
 * ```ts
 * @AllowApiKey({ scopes: ['reports:read'] })
 * @Get('reports')
 * list(@CurrentUser() user: AuthenticatedUser) { ... } // user.type === 'api_key' for a key
 * ```
 */
export const AllowApiKey = (route: { scopes?: string[] } = {}): MethodDecorator & ClassDecorator => {
  const scopes = route.scopes ?? [];
  if (!Array.isArray(scopes) || scopes.some((scope) => typeof scope !== 'string' || !SCOPE.test(scope))) {
    throw new TypeError('nestjs-authkit: @AllowApiKey: scopes must be names of 1 to 64 letters, digits, ":", ".", "_" or "-"');
  }
  return SetMetadata(ALLOW_API_KEY_KEY, { scopes: [...scopes] } satisfies ApiKeyRoute);
};

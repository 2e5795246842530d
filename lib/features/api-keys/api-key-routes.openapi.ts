import type { Provider, Type } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { loadSwagger, type Swagger } from '../../core/http/openapi';
import { routeHandlers } from '../../core/http/openapi-app-routes';
import { ALLOW_API_KEY_KEY, type ApiKeyRoute } from './allow-api-key.decorator';
import { API_KEYS_OPTIONS, type ResolvedApiKeysOptions } from './api-keys.options';

/** The OpenAPI security scheme of API keys: declare it with `new DocumentBuilder().addBearerAuth(undefined, 'apiKey')`. */
export const API_KEY_SECURITY_SCHEME = 'apiKey';
/** The operation extension that lists the scopes a route asks of a key (one of them). */
export const API_KEY_SCOPES_EXTENSION = 'x-authkit-api-key-scopes';

type SwaggerWithExtension = Swagger & { ApiExtension?: (name: string, value: unknown) => MethodDecorator };

/**
 * Documents the app's routes that accept API keys (`@AllowApiKey()` or the `apiKeys.routes` option), when the app has
 * `@nestjs/swagger`: the `apiKey` security requirement beside `bearer` (either works), and the scopes the route
 * asks for in `x-authkit-api-key-scopes`. Runs once when the module is built; documenting again adds nothing twice.
 */
export function apiKeyRoutesOpenApi(): Provider {
  return {
    provide: Symbol('AUTHKIT_OPENAPI_API_KEY_ROUTES'),
    inject: [ModulesContainer, API_KEYS_OPTIONS],
    useFactory: (modules: ModulesContainer, options: ResolvedApiKeysOptions) => {
      const swagger = loadSwagger() as SwaggerWithExtension | null;
      if (!swagger || !options.enabled) return false;
      const reflector = new Reflector();
      for (const module of modules.values()) {
        for (const { metatype } of module.controllers.values()) {
          if (typeof metatype !== 'function') continue;
          const controller = metatype as Type;
          for (const [name, handler] of routeHandlers(controller)) {
            const route = reflector.getAllAndOverride<ApiKeyRoute | undefined>(ALLOW_API_KEY_KEY, [handler as Function, controller])
              ?? options.routes.find(controller, handler as Function);
            if (route) documentRoute(swagger, controller, name, handler, route);
          }
        }
      }
      return true;
    },
  };
}

function documentRoute(swagger: SwaggerWithExtension, controller: Type, name: string, handler: object, route: ApiKeyRoute): void {
  const security: Record<string, string[]>[] | undefined = Reflect.getMetadata(swagger.DECORATORS.API_SECURITY, handler);
  if (security?.some((requirement) => API_KEY_SECURITY_SCHEME in requirement)) return;
  const descriptor = { value: handler, writable: true, enumerable: false, configurable: true };
  // Keys ride on the access-token guard: the route takes a session's token too (the app's own scheme, if it set one).
  if (security === undefined) swagger.ApiBearerAuth()(controller.prototype, name, descriptor);
  swagger.ApiSecurity({ [API_KEY_SECURITY_SCHEME]: [] })(controller.prototype, name, descriptor);
  if (route.scopes.length > 0 && swagger.ApiExtension) swagger.ApiExtension(API_KEY_SCOPES_EXTENSION, [...route.scopes])(controller.prototype, name, descriptor);
}

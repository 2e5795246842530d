import type { Provider, Type } from '@nestjs/common';
import { RequestMethod } from '@nestjs/common';
import { GUARDS_METADATA, HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { AUTHENTICATING_GUARD_KEY, IS_PUBLIC_KEY, OPTIONAL_AUTH_KEY, ROLES_KEY } from '../auth.constants';
import { RolesGuard } from '../guards/roles.guard';
import { addExtraModels, ERROR_MODEL, errorResponse, loadSwagger, ROLE_MISSING, SIGNED_IN, type Swagger } from './openapi';

/**
 * The app's own routes in the OpenAPI document, when the app has `@nestjs/swagger`: a route the library's guard
 * protects (every route that is not `@Public()` with the global guards, else those with
 * `@UseGuards(AccessTokenGuard)` or `AuthkitAuthGuard()`) gets the `bearer` security requirement and the 401
 * response (`AuthkitError`); with `@Roles()` (and the global guards or `RolesGuard`), the 403 too. An
 * `@OptionalAuth()` route gets an optional `bearer` requirement and no 401. What the app declares itself wins:
 * a route (or controller) with its own `@ApiBearerAuth()`/`@ApiSecurity()` keeps its security, its own 401/403
 * responses are kept. Runs when the module is built, before `SwaggerModule.createDocument`.
 */
export function appRoutesOpenApi(globalGuards: boolean, ownControllers: readonly Type[]): Provider {
  return {
    provide: Symbol('AUTHKIT_OPENAPI_APP_ROUTES'),
    inject: [ModulesContainer],
    useFactory: (modules: ModulesContainer) => {
      const swagger = loadSwagger();
      if (!swagger) return false;
      for (const module of modules.values()) {
        for (const { metatype } of module.controllers.values()) {
          if (typeof metatype === 'function' && !ownControllers.includes(metatype as Type)) documentController(swagger, metatype as Type, globalGuards);
        }
      }
      return true;
    },
  };
}

function documentController(swagger: Swagger, controller: Type, globalGuards: boolean): void {
  let documented = false;
  for (const [name, handler] of routeHandlers(controller)) {
    const decorators = routeDocs(swagger, controller, handler, globalGuards);
    if (decorators.length === 0) continue;
    const descriptor = { value: handler, writable: true, enumerable: false, configurable: true };
    for (const decorator of decorators) decorator(controller.prototype, name, descriptor);
    documented = true;
  }
  if (documented) addExtraModels(swagger, controller, [ERROR_MODEL]);
}

/** The route handlers of a controller class and its parents (`@Get()`, `@Post()`...). */
export function routeHandlers(controller: Type): Map<string, object> {
  const handlers = new Map<string, object>();
  for (let prototype = controller.prototype; prototype && prototype !== Object.prototype; prototype = Object.getPrototypeOf(prototype)) {
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = Object.getOwnPropertyDescriptor(prototype, name)?.value;
      if (name === 'constructor' || typeof handler !== 'function' || handlers.has(name)) continue;
      if (Reflect.getMetadata(METHOD_METADATA, handler) !== undefined) handlers.set(name, handler);
    }
  }
  return handlers;
}

function routeDocs(swagger: Swagger, controller: Type, handler: object, globalGuards: boolean): MethodDecorator[] {
  const meta = <T>(key: string): T | undefined => Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller);
  if (meta<boolean>(IS_PUBLIC_KEY)) return [];
  const guards = [...(Reflect.getMetadata(GUARDS_METADATA, controller) ?? []), ...(Reflect.getMetadata(GUARDS_METADATA, handler) ?? [])] as unknown[];
  const guardTypes = guards.map((guard) => (typeof guard === 'function' ? guard : (guard as object | null)?.constructor));
  const authenticated = globalGuards || guardTypes.some((type) => typeof type === 'function' && Reflect.getMetadata(AUTHENTICATING_GUARD_KEY, type) === true);
  if (!authenticated) return [];
  const optional = meta<boolean>(OPTIONAL_AUTH_KEY) === true;
  const decorators: MethodDecorator[] = [];
  if (meta(swagger.DECORATORS.API_SECURITY) === undefined) {
    decorators.push(swagger.ApiBearerAuth());
    if (optional) decorators.push(swagger.ApiSecurity({}));
  }
  const own: object | undefined = Reflect.getMetadata(swagger.DECORATORS.API_RESPONSE, handler);
  const declared = { ...Reflect.getMetadata(swagger.DECORATORS.API_RESPONSE, controller), ...own };
  const errors = [];
  if (!optional && !(SIGNED_IN[0] in declared)) errors.push(errorResponse(swagger, SIGNED_IN));
  const roles = meta<string[]>(ROLES_KEY);
  const checksRoles = globalGuards || guardTypes.some((type) => type === RolesGuard || (typeof type === 'function' && type.prototype instanceof RolesGuard));
  if (roles && roles.length > 0 && checksRoles && !(ROLE_MISSING[0] in declared)) errors.push(errorResponse(swagger, ROLE_MISSING));
  // A route without responses of its own has swagger's default one (200, 201 for POST, or its @HttpCode), which any
  // declared response replaces: kept.
  if (errors.length > 0 && own === undefined) decorators.push(swagger.ApiResponse({ status: defaultStatus(handler), description: '' }));
  return [...decorators, ...errors];
}

function defaultStatus(handler: object): number {
  const status: number | undefined = Reflect.getMetadata(HTTP_CODE_METADATA, handler);
  return status ?? (Reflect.getMetadata(METHOD_METADATA, handler) === RequestMethod.POST ? 201 : 200);
}

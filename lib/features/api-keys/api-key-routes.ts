import type { Type } from '@nestjs/common';
import { failOption, ownedObject, stringArray, type OptionKeys } from '../../core/options/options.validation';

/** What a route that accepts API keys asks of the key (from `@AllowApiKey()` or the `apiKeys.routes` option). */
export interface ApiKeyRoute {
  /** The key needs one of these scopes; `[]`: any key. */
  scopes: string[];
}

/**
 * One entry of the `apiKeys.routes` option: a controller whose routes accept API keys, as `@AllowApiKey()` on it
 * would (for controllers the app cannot or would rather not decorate, e.g. from another package).
 */
export interface ApiKeyRouteOption {
  /** The controller class (matched exactly: a subclass needs its own entry). */
  controller: Type;
  /** Only these methods of the controller (by name; each must exist). Default: all its routes. */
  handlers?: string[];
  /** The key needs one of these scopes. Default: any key. */
  scopes?: string[];
}

/**
 * The resolved `apiKeys.routes`: a lookup by controller class and handler function, read once per route by the
 * authenticator (its per-handler cache), never per request. `@AllowApiKey()` on a route or controller wins over it.
 */
export class ApiKeyRouteTable {
  constructor(
    private readonly controllers: ReadonlyMap<Type, ApiKeyRoute>,
    private readonly handlers: ReadonlyMap<Type, ReadonlyMap<Function, ApiKeyRoute>>,
  ) {}

  get size(): number {
    return this.controllers.size + this.handlers.size;
  }

  /** The route's entry: the handler's own, else its controller's, else undefined (keys refused). */
  find(controller: Type, handler: Function): ApiKeyRoute | undefined {
    return this.handlers.get(controller)?.get(handler) ?? this.controllers.get(controller);
  }
}

/** A scope name: 1 to 64 letters, digits, `:`, `.`, `_` or `-`. */
export const SCOPE = /^[A-Za-z0-9:._-]{1,64}$/;
const SCOPE_RULE = 'must be names of 1 to 64 letters, digits, ":", ".", "_" or "-"';

/** Route scopes as `@AllowApiKey` and the option take them. */
export function routeScopes(value: unknown, option: string): string[] {
  const scopes = stringArray(value, option, []);
  if (scopes.some((scope) => !SCOPE.test(scope))) failOption(option, SCOPE_RULE);
  return scopes;
}

const ENTRY_KEYS: OptionKeys<ApiKeyRouteOption> = { controller: true, handlers: true, scopes: true };

/** Validates `apiKeys.routes` (unknown keys, a non-class, a missing method, a route named twice: a `TypeError`). */
export function resolveApiKeyRoutes(value: unknown): ApiKeyRouteTable {
  const controllers = new Map<Type, ApiKeyRoute>();
  const handlers = new Map<Type, Map<Function, ApiKeyRoute>>();
  if (value === undefined) return new ApiKeyRouteTable(controllers, handlers);
  if (!Array.isArray(value)) failOption('apiKeys.routes', 'must be an array of { controller, handlers?, scopes? }');
  value.forEach((raw: unknown, index) => {
    const at = `apiKeys.routes[${index}]`;
    const entry = ownedObject(raw as ApiKeyRouteOption, at, ENTRY_KEYS);
    if (!entry) failOption(at, 'must be an object { controller, handlers?, scopes? }');
    const controller = entry.controller;
    if (typeof controller !== 'function' || typeof controller.prototype !== 'object') failOption(`${at}.controller`, 'must be a controller class');
    const route: ApiKeyRoute = { scopes: routeScopes(entry.scopes, `${at}.scopes`) };
    const name = controller.name || 'the controller';
    if (entry.handlers === undefined) {
      if (controllers.has(controller)) failOption(`${at}.controller`, `names ${name} twice`);
      controllers.set(controller, route);
      return;
    }
    const names = stringArray(entry.handlers, `${at}.handlers`, []);
    if (names.length === 0) failOption(`${at}.handlers`, 'must name at least one method (leave it out for every route)');
    const byHandler = handlers.get(controller) ?? new Map<Function, ApiKeyRoute>();
    for (const method of names) {
      const handler: unknown = method === 'constructor' ? undefined : (controller.prototype as Record<string, unknown>)[method];
      if (typeof handler !== 'function') failOption(`${at}.handlers`, `names "${method}", which is not a method of ${name}`);
      if (byHandler.has(handler)) failOption(`${at}.handlers`, `names ${name}.${method} twice`);
      byHandler.set(handler, route);
    }
    handlers.set(controller, byHandler);
  });
  return new ApiKeyRouteTable(controllers, handlers);
}

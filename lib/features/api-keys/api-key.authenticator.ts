import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedUser } from '../../core/auth.types';
import { TooManyRequestsError } from '../../core/errors/auth.errors';
import type { BearerAuthenticator } from '../../core/guards/bearer-authenticator';
import { HandlerMetadataCache } from '../../core/guards/handler-metadata.cache';
import { expandRoleHierarchy } from '../../core/guards/roles.guard';
import { ROLE_HIERARCHY } from '../../core/guards/roles.options';
import { ALLOW_API_KEY_KEY, type ApiKeyRoute } from './allow-api-key.decorator';
import { ApiKeyOwners } from './api-key-owners';
import { ApiKeyStore } from './api-key-store.interface';
import { looksLikeApiKey, parseApiKey } from './api-key.format';
import { API_KEYS_OPTIONS, type ResolvedApiKeysOptions } from './api-keys.options';
import { ApiKeyInvalidError, ApiKeyNotAcceptedError, ApiKeyScopeError } from './api-keys.errors';

const NARROWED_CACHE_SIZE = 1000;

/**
 * `AccessTokenGuard`'s authenticator of API keys (the kernel's `BEARER_AUTHENTICATOR`). Per request: the route's
 * `@AllowApiKey` or `apiKeys.routes` entry (read once per route), the key's form and checksum (no I/O: a mistyped key costs no store
 * command), then ONE store command (`ApiKeyStore.check`: the key, its owner's credentials, the per-key throttle,
 * `lastUsedAt`). The principal's roles are the owner's, narrowed to the key's scopes (through the role hierarchy).
 */
@Injectable()
export class ApiKeyAuthenticator implements BearerAuthenticator {
  private readonly implied: Map<string, Set<string>>;
  private readonly narrowed = new Map<string, string[]>();
  private readonly routes = new HandlerMetadataCache(
    (context) => this.reflector.getAllAndOverride<ApiKeyRoute | undefined>(ALLOW_API_KEY_KEY, [context.getHandler(), context.getClass()])
      ?? this.options.routes.find(context.getClass(), context.getHandler()),
  );

  constructor(
    private readonly reflector: Reflector,
    @Inject(ApiKeyStore) private readonly store: ApiKeyStore,
    @Inject(API_KEYS_OPTIONS) private readonly options: ResolvedApiKeysOptions,
    @Inject(ROLE_HIERARCHY) hierarchy: Record<string, string[]>,
    private readonly owners: ApiKeyOwners,
  ) {
    this.implied = expandRoleHierarchy(hierarchy);
  }

  recognises(credential: string): boolean {
    return looksLikeApiKey(this.options.prefix, credential);
  }

  async authenticate(credential: string, context: ExecutionContext): Promise<AuthenticatedUser> {
    const route = this.routes.get(context);
    if (!route) throw new ApiKeyNotAcceptedError();
    const key = parseApiKey(this.options.prefix, credential);
    if (!key) throw new ApiKeyInvalidError();
    const checked = await this.store.check({
      userId: key.userId, id: key.id, hash: key.hash, lastUsedGranularityMs: this.options.lastUsedGranularityMs, ...this.options.throttle,
    });
    if (checked.status === 'invalid') throw new ApiKeyInvalidError();
    if (checked.status === 'throttled') throw new TooManyRequestsError(checked.retryAfterMs);
    let owner = checked.owner;
    if (!owner || Date.now() - owner.checkedAt >= this.options.ownerRecheckMs) {
      owner = await this.owners.refresh(key.userId);
      if (!owner || checked.credentialVersion < owner.credentialVersion) throw new ApiKeyInvalidError();
    }
    if (route.scopes.length > 0 && !route.scopes.some((scope) => checked.scopes.includes(scope))) throw new ApiKeyScopeError();
    return {
      id: key.userId, sessionId: '', roles: this.narrow(owner.roles, checked.scopes), claims: {}, amr: [],
      type: 'api_key', apiKey: { id: key.id, scopes: checked.scopes },
    };
  }

  /** The key's scopes that the owner's roles (through the hierarchy) grant: a key never exceeds its owner. */
  private narrow(roles: readonly string[], scopes: readonly string[]): string[] {
    const cacheKey = `${roles.join('\n')}\0${scopes.join('\n')}`;
    const cached = this.narrowed.get(cacheKey);
    if (cached) return [...cached];
    const held = new Set<string>();
    for (const role of roles) {
      held.add(role);
      for (const implied of this.implied.get(role) ?? []) held.add(implied);
    }
    const result = scopes.filter((scope) => held.has(scope));
    if (this.narrowed.size >= NARROWED_CACHE_SIZE) this.narrowed.clear();
    this.narrowed.set(cacheKey, result);
    return [...result];
  }
}

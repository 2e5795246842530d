import { Inject, Injectable } from '@nestjs/common';
import type { ClientInfo } from '../../core/auth.types';
import { UserNotFoundError, ValidationFailedError } from '../../core/errors/auth.errors';
import { AuthEvents } from '../../core/events/auth-events.emitter';
import { credentialVersionOf, UserStore } from '../../core/ports/user-store.interface';
import { type ApiKeyRecord, ApiKeyStore } from './api-key-store.interface';
import { isApiKeyId, mintApiKey } from './api-key.format';
import { ApiKeyLimitError, ApiKeyNotFoundError } from './api-keys.errors';
import { ApiKeyEvent } from './api-keys.events';
import { API_KEYS_OPTIONS, type ResolvedApiKeysOptions, SCOPE } from './api-keys.options';

const DAY_MS = 86_400_000;

/** A key as listed (never the key, never its hash). Times are ISO-8601. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

/** A new key: `key` is shown this once. */
export interface CreatedApiKey {
  id: string;
  name: string;
  key: string;
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
}

/** What a new key asks for. */
export interface NewApiKey {
  name: string;
  scopes?: string[];
  expiresInDays?: number;
}

/** Creating, listing and revoking API keys (`POST/GET/DELETE /auth/api-keys`, and the admin routes). */
@Injectable()
export class ApiKeysService {
  constructor(
    @Inject(ApiKeyStore) private readonly store: ApiKeyStore,
    @Inject(UserStore) private readonly users: UserStore,
    @Inject(API_KEYS_OPTIONS) private readonly options: ResolvedApiKeysOptions,
    private readonly events: AuthEvents,
  ) {}

  /**
   * A new key for the user, bound to its current credential version (a later password change, disable or reset
   * ends it). 400 `validation_failed` for a scope that `apiKeys.scopes` does not list or a lifetime beyond
   * `maxExpiresInDays`; 409 `api_key_limit_reached`.
   */
  async create(userId: string, request: NewApiKey, client: ClientInfo = {}): Promise<CreatedApiKey> {
    const scopes = [...new Set(request.scopes ?? [])];
    const unknown = scopes.filter((scope) => !SCOPE.test(scope) || (this.options.scopes !== null && !this.options.scopes.includes(scope)));
    if (unknown.length > 0) throw new ValidationFailedError([`scopes: not allowed: ${unknown.slice(0, 5).join(', ')}`]);
    const days = request.expiresInDays ?? this.options.defaultExpiresInDays;
    if (!Number.isSafeInteger(days) || days < 1 || days > this.options.maxExpiresInDays) {
      throw new ValidationFailedError([`expiresInDays must be a whole number from 1 to ${this.options.maxExpiresInDays}`]);
    }
    const user = await this.users.findById(userId);
    if (!user || user.disabled) throw new UserNotFoundError();
    const now = Date.now();
    const minted = mintApiKey(this.options.prefix, userId);
    const record: ApiKeyRecord = {
      id: minted.id, userId, name: request.name, hash: minted.hash, scopes, credentialVersion: credentialVersionOf(user),
      createdAt: now, expiresAt: now + days * DAY_MS, lastUsedAt: null,
    };
    const owner = { roles: [...user.roles], credentialVersion: credentialVersionOf(user), checkedAt: now };
    if (!(await this.store.create(record, owner, this.options.maxKeysPerUser))) throw new ApiKeyLimitError();
    this.events.emitFor(client, ApiKeyEvent.ApiKeyCreated, { userId, keyId: minted.id, scopes });
    return { id: minted.id, name: record.name, key: minted.key, prefix: this.prefixOf(minted.id), scopes, expiresAt: new Date(record.expiresAt!).toISOString() };
  }

  /** The user's live keys, oldest first. */
  async list(userId: string): Promise<ApiKeyView[]> {
    return (await this.store.list(userId)).map((record) => ({
      id: record.id, name: record.name, prefix: this.prefixOf(record.id), scopes: record.scopes,
      createdAt: new Date(record.createdAt).toISOString(),
      expiresAt: record.expiresAt === null ? null : new Date(record.expiresAt).toISOString(),
      lastUsedAt: record.lastUsedAt === null ? null : new Date(record.lastUsedAt).toISOString(),
    }));
  }

  /** Revokes one of the user's keys: its next request gets 401. 404 `api_key_not_found` (also for another user's key). */
  async revoke(userId: string, keyId: string, options: { actorId?: string; client?: ClientInfo } = {}): Promise<void> {
    if (!isApiKeyId(keyId) || !(await this.store.revoke(userId, keyId))) throw new ApiKeyNotFoundError();
    this.events.emitFor(options.client, ApiKeyEvent.ApiKeyRevoked, { userId, keyId, actorId: options.actorId });
  }

  /** The first characters of a key with this id (what lists show to recognise it). */
  private prefixOf(id: string): string {
    return `${this.options.prefix}${id.slice(0, 8)}`;
  }
}

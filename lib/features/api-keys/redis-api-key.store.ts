import type { RedisClient } from '../../adapters/redis/redis.options';
import { redisCall } from '../../adapters/redis/redis-call';
import { RedisKeys } from '../../adapters/redis/redis-keys';
import type { ApiKeyOwner, ApiKeyRecord, ApiKeyStore, CheckApiKeyInput, CheckApiKeyResult } from './api-key-store.interface';
import { CHECK_API_KEY, CREATE_API_KEY, LIST_API_KEYS, REVOKE_ALL_API_KEYS, SET_API_KEY_OWNER } from './api-key.scripts';

type Reply = number | [number, string | number, string?, number?];

interface ApiKeyCommands {
  authkitApiKeyCheck(keys: string, sessions: string, id: string, hash: string, now: number, granularityMs: number, limit: number, windowMs: number): Promise<Reply>;
  authkitApiKeyCreate(keys: string, sessions: string, id: string, head: string, meta: string, owner: string, maxKeys: number, now: number): Promise<number>;
  authkitApiKeyList(keys: string, sessions: string, now: number): Promise<string[]>;
  authkitApiKeyOwner(keys: string, owner: string): Promise<number>;
  authkitApiKeyRevokeAll(keys: string): Promise<number>;
}

const SCRIPTS: Array<[keyof ApiKeyCommands, string, number]> = [
  ['authkitApiKeyCheck', CHECK_API_KEY, 2],
  ['authkitApiKeyCreate', CREATE_API_KEY, 2],
  ['authkitApiKeyList', LIST_API_KEYS, 2],
  ['authkitApiKeyOwner', SET_API_KEY_OWNER, 1],
  ['authkitApiKeyRevokeAll', REVOKE_ALL_API_KEYS, 1],
];

function encodeOwner(owner: ApiKeyOwner): string {
  return `${owner.credentialVersion}|${owner.checkedAt}|${JSON.stringify(owner.roles)}`;
}

/** Decoded owners, by their stored form (every request of a user's keys reads the same one until it changes). */
const owners = new Map<string, ApiKeyOwner>();
const OWNER_CACHE_SIZE = 10_000;

function decodeOwner(stored: string | undefined): ApiKeyOwner | null {
  if (!stored) return null;
  let owner = owners.get(stored);
  if (!owner) {
    const [version, checkedAt] = stored.split('|', 2);
    const roles = JSON.parse(stored.slice(version.length + checkedAt.length + 2)) as string[];
    owner = Object.freeze({ roles: Object.freeze(roles) as string[], credentialVersion: Number(version), checkedAt: Number(checkedAt) });
    if (owners.size >= OWNER_CACHE_SIZE) owners.clear();
    owners.set(stored, owner);
  }
  return owner;
}

/**
 * `ApiKeyStore` on Redis: one hash per user, `<prefix>:{<userId>}:ak` (layout in `api-key.scripts.ts`), in the
 * user's slot with its sessions; every operation is one script. `check`, the per-request one, is one EVALSHA that
 * also reads the sessions' credential floor. Works on a standalone, Sentinel or Cluster client.
 */
export class RedisApiKeyStore implements ApiKeyStore {
  private readonly keys: RedisKeys;
  private readonly commands: ApiKeyCommands;

  constructor(private readonly redis: RedisClient, keyPrefix = 'authkit', private readonly now: () => number = Date.now) {
    this.keys = new RedisKeys(keyPrefix);
    for (const [name, lua, numberOfKeys] of SCRIPTS) if (!(name in redis)) redis.defineCommand(name, { lua, numberOfKeys });
    this.commands = redis as unknown as ApiKeyCommands;
  }

  private hashOf(userId: string): string {
    return `${this.keys.sessions(userId).slice(0, -2)}:ak`;
  }

  async create(record: ApiKeyRecord, owner: ApiKeyOwner, maxKeys: number): Promise<boolean> {
    const head = `${record.hash}|${record.credentialVersion}|${record.expiresAt ?? 0}|${record.scopes.join(' ')}`;
    const meta = JSON.stringify({ n: record.name, c: record.createdAt });
    const created = await redisCall(() => this.commands.authkitApiKeyCreate(
      this.hashOf(record.userId), this.keys.sessions(record.userId), record.id, head, meta, encodeOwner(owner), maxKeys, this.now(),
    ));
    return created === 1;
  }

  async check(input: CheckApiKeyInput): Promise<CheckApiKeyResult> {
    const reply = await redisCall(() => this.commands.authkitApiKeyCheck(
      this.hashOf(input.userId), this.keys.sessions(input.userId), input.id, input.hash, this.now(), input.lastUsedGranularityMs, input.limit, input.windowMs,
    ));
    if (!Array.isArray(reply)) return { status: 'invalid' };
    if (reply[0] === 2) return { status: 'throttled', retryAfterMs: Number(reply[1]) };
    const scopes = reply[1] as string;
    return { status: 'valid', scopes: scopes ? scopes.split(' ') : [], credentialVersion: Number(reply[3]), owner: decodeOwner(reply[2]) };
  }

  async list(userId: string): Promise<ApiKeyRecord[]> {
    const flat = await redisCall(() => this.commands.authkitApiKeyList(this.hashOf(userId), this.keys.sessions(userId), this.now()));
    const fields = new Map<string, string>();
    for (let i = 0; i < flat.length; i += 2) fields.set(flat[i], flat[i + 1]);
    const records: ApiKeyRecord[] = [];
    for (const [id, head] of fields) {
      if (id.includes(':')) continue;
      const [hash, version, expiresAt, scopes] = head.split('|');
      const meta = JSON.parse(fields.get(`${id}:m`) ?? '{}') as { n?: string; c?: number };
      const lastUsed = fields.get(`${id}:u`);
      records.push({
        id, userId, name: meta.n ?? '', hash, scopes: scopes ? scopes.split(' ') : [], credentialVersion: Number(version), createdAt: meta.c ?? 0,
        expiresAt: Number(expiresAt) > 0 ? Number(expiresAt) : null, lastUsedAt: lastUsed === undefined ? null : Number(lastUsed),
      });
    }
    return records.sort((a, b) => a.createdAt - b.createdAt);
  }

  async revoke(userId: string, id: string): Promise<boolean> {
    const key = this.hashOf(userId);
    const removed = await redisCall(() => this.redis.hdel(key, id, `${id}:m`, `${id}:u`, `${id}:w`, `${id}:n`));
    return removed > 0;
  }

  revokeAll(userId: string): Promise<number> {
    return redisCall(() => this.commands.authkitApiKeyRevokeAll(this.hashOf(userId)));
  }

  async setOwner(userId: string, owner: ApiKeyOwner): Promise<void> {
    await redisCall(() => this.commands.authkitApiKeyOwner(this.hashOf(userId), encodeOwner(owner)));
  }
}

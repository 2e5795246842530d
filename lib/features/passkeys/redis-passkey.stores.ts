import type { RedisClient } from '../../adapters/redis/redis.options';
import { redisCall } from '../../adapters/redis/redis-call';
import { RedisKeys } from '../../adapters/redis/redis-keys';
import type {
  AddPasskeyResult, PasskeyChallengeRecord, PasskeyChallengeStore, PasskeyCredentialStore, RecordUseResult, StoredPasskey,
} from './passkey-store.interface';
import { PASSKEY_ADD, PASSKEY_RECORD_USE, PASSKEY_RELEASE_ID, PASSKEY_REMOVE, PASSKEY_REMOVE_ALL, PASSKEY_RENAME } from './passkey.scripts';

interface PasskeyCommands {
  authkitPasskeyAdd(passkeys: string, id: string, json: string, name: string, use: string, max: number): Promise<AddPasskeyResult>;
  authkitPasskeyRecordUse(passkeys: string, id: string, counter: number, backedUp: 0 | 1, now: number): Promise<RecordUseResult>;
  authkitPasskeyRename(passkeys: string, id: string, name: string): Promise<number>;
  authkitPasskeyRemove(passkeys: string, id: string): Promise<number>;
  authkitPasskeyRemoveAll(passkeys: string): Promise<string[]>;
  authkitPasskeyReleaseId(owner: string, userId: string): Promise<number>;
}

const SCRIPTS: Array<[keyof PasskeyCommands, string, number]> = [
  ['authkitPasskeyAdd', PASSKEY_ADD, 1],
  ['authkitPasskeyRecordUse', PASSKEY_RECORD_USE, 1],
  ['authkitPasskeyRename', PASSKEY_RENAME, 1],
  ['authkitPasskeyRemove', PASSKEY_REMOVE, 1],
  ['authkitPasskeyRemoveAll', PASSKEY_REMOVE_ALL, 1],
  ['authkitPasskeyReleaseId', PASSKEY_RELEASE_ID, 1],
];

function commandsOf(redis: RedisClient): PasskeyCommands {
  for (const [name, lua, numberOfKeys] of SCRIPTS) {
    if (!(name in redis)) redis.defineCommand(name, { lua, numberOfKeys });
  }
  return redis as unknown as PasskeyCommands;
}

/** What registration fixed, as `c:<id>` keeps it. */
type Registered = Pick<StoredPasskey, 'publicKey' | 'transports' | 'aaguid' | 'backupEligible' | 'createdAt'>;

function useOf(counter: number, backedUp: boolean, lastUsedAt: number | null): string {
  return `${counter}:${backedUp ? 1 : 0}:${lastUsedAt ?? ''}`;
}

function passkeyOf(userId: string, id: string, json: string, name: string | null, use: string | null): StoredPasskey {
  const registered = JSON.parse(json) as Registered;
  const [counter, backedUp, lastUsedAt] = (use ?? '0:0:').split(':');
  return {
    id, userId, publicKey: registered.publicKey, counter: Number(counter), transports: registered.transports ?? [], aaguid: registered.aaguid,
    backupEligible: registered.backupEligible, backedUp: backedUp === '1', name: name ?? '', createdAt: registered.createdAt,
    lastUsedAt: lastUsedAt ? Number(lastUsedAt) : null,
  };
}

/** `PasskeyCredentialStore` on Redis (layout in passkey.scripts.ts): reads are one command, writes one script on the user's slot (plus the id claim). */
export class RedisPasskeyCredentialStore implements PasskeyCredentialStore {
  private readonly commands: PasskeyCommands;
  private readonly keys: RedisKeys;

  constructor(private readonly redis: RedisClient, private readonly keyPrefix = 'authkit') {
    this.commands = commandsOf(redis);
    this.keys = new RedisKeys(keyPrefix);
  }

  /** The hash of the user's passkeys. */
  passkeysKey(userId: string): string {
    return `${this.keyPrefix}:{${this.keys.userTag(userId)}}:pk`;
  }

  async add(passkey: StoredPasskey, maxPerUser: number): Promise<AddPasskeyResult> {
    const owner = this.ownerKey(passkey.id);
    // The id is claimed first (its own slot), so no two users can hold one id; released when the user's hash refuses it.
    if ((await redisCall(() => this.redis.set(owner, passkey.userId, 'NX'))) === null) return 'taken';
    const { publicKey, transports, aaguid, backupEligible, createdAt } = passkey;
    const json = JSON.stringify({ publicKey, transports, aaguid, backupEligible, createdAt } satisfies Registered);
    const result = await redisCall(() => this.commands.authkitPasskeyAdd(
      this.passkeysKey(passkey.userId), passkey.id, json, passkey.name, useOf(passkey.counter, passkey.backedUp, passkey.lastUsedAt), maxPerUser,
    ));
    if (result !== 'added') await redisCall(() => this.commands.authkitPasskeyReleaseId(owner, passkey.userId));
    return result;
  }

  async list(userId: string): Promise<StoredPasskey[]> {
    const fields = await redisCall(() => this.redis.hgetall(this.passkeysKey(userId)));
    return Object.keys(fields).filter((field) => field.startsWith('c:')).map((field) => {
      const id = field.slice(2);
      return passkeyOf(userId, id, fields[field], fields[`n:${id}`] ?? null, fields[`u:${id}`] ?? null);
    }).sort((a, b) => a.createdAt - b.createdAt);
  }

  async find(userId: string, id: string): Promise<StoredPasskey | null> {
    const [json, name, use] = await redisCall(() => this.redis.hmget(this.passkeysKey(userId), `c:${id}`, `n:${id}`, `u:${id}`));
    return json ? passkeyOf(userId, id, json, name, use) : null;
  }

  recordUse(userId: string, id: string, use: { counter: number; backedUp: boolean; now: number }): Promise<RecordUseResult> {
    return redisCall(() => this.commands.authkitPasskeyRecordUse(this.passkeysKey(userId), id, use.counter, use.backedUp ? 1 : 0, use.now));
  }

  async rename(userId: string, id: string, name: string): Promise<boolean> {
    return (await redisCall(() => this.commands.authkitPasskeyRename(this.passkeysKey(userId), id, name))) === 1;
  }

  async remove(userId: string, id: string): Promise<boolean> {
    if ((await redisCall(() => this.commands.authkitPasskeyRemove(this.passkeysKey(userId), id))) !== 1) return false;
    await redisCall(() => this.commands.authkitPasskeyReleaseId(this.ownerKey(id), userId));
    return true;
  }

  async removeAll(userId: string): Promise<string[]> {
    const ids = await redisCall(() => this.commands.authkitPasskeyRemoveAll(this.passkeysKey(userId)));
    await Promise.all(ids.map((id) => redisCall(() => this.commands.authkitPasskeyReleaseId(this.ownerKey(id), userId))));
    return ids;
  }

  private ownerKey(id: string): string {
    return `${this.keyPrefix}:pk:id:${id}`;
  }
}

/** `PasskeyChallengeStore` on Redis: SET with PXAT, GETDEL (Redis 6.2+). */
export class RedisPasskeyChallengeStore implements PasskeyChallengeStore {
  constructor(private readonly redis: RedisClient, private readonly keyPrefix = 'authkit') {}

  async save(challenge: string, record: PasskeyChallengeRecord, expiresAt: number): Promise<void> {
    await redisCall(() => this.redis.set(this.key(challenge), JSON.stringify({ ...record, e: expiresAt }), 'PXAT', expiresAt));
  }

  async consume(challenge: string, now: number): Promise<PasskeyChallengeRecord | null> {
    const json = await redisCall(() => this.redis.getdel(this.key(challenge)));
    if (!json) return null;
    const { e, ...record } = JSON.parse(json) as PasskeyChallengeRecord & { e: number };
    return e > now ? record : null;
  }

  private key(challenge: string): string {
    return `${this.keyPrefix}:pk:ch:${challenge}`;
  }
}

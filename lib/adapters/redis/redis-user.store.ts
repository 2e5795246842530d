import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis.options';
import { EmailTakenError, StoreUnavailableError } from '../../core/errors/auth.errors';
import { RedisKeys } from './redis-keys';
import { redisCall } from './redis-call';
import { storeFailure } from '../../core/errors/store-failure';
import type { UserRecordFields, UserRecordSource } from '../../core/ports/session-store.interface';
import type { InlineUserRecords } from '../../core/ports/user-record-source';
import { decodeUserRecord, parseIdentity, USER_RECORD_FIELDS } from './redis-user.record';
import { DELETE_IF_EQUALS, SET_CREDENTIAL, SET_IF_USER_EXISTS, UNLINK_IDENTITY } from './redis-user.scripts';
import type { NewUser, StoredUser, UserStore } from '../../core/ports/user-store.interface';
import type { CredentialStore, SetPasswordHashOptions } from '../../core/ports/credential-store.interface';
import type { IdentityStore, LinkIdentityResult, NewUserIdentity, UnlinkIdentityResult, UserIdentity } from '../../core/ports/identity-store.interface';

interface IdentityCommands {
  authkitDeleteIfEquals(key: string, value: string): Promise<number>;
  authkitUnlinkIdentity(userKey: string, identitiesKey: string, provider: string): Promise<[number, string?]>;
  authkitSetIfUserExists(userKey: string, ...fieldsAndValues: string[]): Promise<number>;
  authkitSetCredential(userKey: string, field: 'pwd' | 'dis', value: string, rehashOf: string): Promise<number>;
}

/** Retries of `createWithIdentity`/`linkIdentity` when the other side of a race rolled back in between. */
const CREATE_ATTEMPTS = 5;
/**
 * A new user's records carry this TTL until its email/identity claims are done, then it is removed: a
 * process that dies in between leaves records that expire instead of unreachable ones that live forever.
 */
const PROVISIONAL_TTL_MS = 5 * 60_000;

/**
 * `UserStore` on Redis: a hash per user (`<prefix>:{<id>}:user`) and an email index
 * (`<prefix>:email:<email>` -> id). User records, identity hashes and the email/identity index keys have no
 * TTL (a record under creation carries a provisional one); everything else the library writes expires.
 * Every update of a user is one script call that applies only if the user exists: an unknown id creates
 * no key, and the update methods resolve to whether it applied.
 */
export class RedisUserStore implements UserStore, CredentialStore, IdentityStore, InlineUserRecords {
  private readonly keys: RedisKeys;
  private readonly commands: IdentityCommands;
  /** Where the records are and which fields a session rotation may check (`UserRecordRotation`). */
  readonly recordSource: UserRecordSource;

  constructor(private readonly redis: RedisClient, keyPrefix = 'authkit') {
    this.keys = new RedisKeys(keyPrefix);
    this.recordSource = { redis, keyPrefix, fields: USER_RECORD_FIELDS };
    if (!('authkitDeleteIfEquals' in redis)) redis.defineCommand('authkitDeleteIfEquals', { lua: DELETE_IF_EQUALS, numberOfKeys: 1 });
    if (!('authkitUnlinkIdentity' in redis)) redis.defineCommand('authkitUnlinkIdentity', { lua: UNLINK_IDENTITY, numberOfKeys: 2 });
    if (!('authkitSetIfUserExists' in redis)) redis.defineCommand('authkitSetIfUserExists', { lua: SET_IF_USER_EXISTS, numberOfKeys: 1 });
    if (!('authkitSetCredential' in redis)) redis.defineCommand('authkitSetCredential', { lua: SET_CREDENTIAL, numberOfKeys: 1 });
    this.commands = redis as unknown as IdentityCommands;
  }
  /**
   * Where a session store's rotation script may read this store's records: only for this class itself (a subclass
   * may override the reads, which the script would bypass).
   */
  inlineRecordSource(): UserRecordSource | null {
    return Object.getPrototypeOf(this) === RedisUserStore.prototype ? this.recordSource : null;
  }

  decodeUserRecord(record: Record<string, string>): StoredUser | null {
    return decodeUserRecord(record);
  }


  async findById(id: string): Promise<StoredUser | null> {
    const hash = await redisCall(() => this.redis.hgetall(this.keys.user(id)));
    return decodeUserRecord(hash);
  }

  async findByEmail(email: string): Promise<StoredUser | null> {
    const id = await redisCall(() => this.redis.get(this.keys.email(email)));
    return id === null ? null : this.findById(id);
  }

  /**
   * Writes the user hash (with a provisional TTL), claims the email with SET NX, then makes the hash
   * permanent. If the claim fails the hash is removed. A crash before the end leaves a hash that expires;
   * a crash after the claim leaves a claim whose user is gone, which the next claim of that email takes
   * over (see `claim`).
   */
  async create(user: NewUser): Promise<StoredUser> {
    const id = randomUUID();
    const stored: StoredUser = { id, ...user, roles: [...user.roles], credentialVersion: 0 };
    const userKey = this.keys.user(id);
    await this.exec(this.redis.multi().hset(userKey, this.userFields(id, user)).pexpire(userKey, PROVISIONAL_TTL_MS));
    if (user.email !== null && !(await this.claim(this.keys.email(user.email), id))) {
      await redisCall(() => this.redis.del(userKey));
      throw new EmailTakenError();
    }
    await redisCall(() => this.redis.persist(userKey));
    return stored;
  }

  /**
   * One script: sets the hash and, when it changed, increments the credential version (a rehash, with
   * `rehashOf`, only replaces that hash and keeps the version). Resolves to `false` (and writes nothing)
   * when the user does not exist or, for a rehash, the hash is no longer `rehashOf`.
   */
  setPasswordHash(id: string, passwordHash: string | null, options: SetPasswordHashOptions = {}): Promise<boolean> {
    return this.setCredential(id, 'pwd', passwordHash ?? '', options.rehashOf ?? '');
  }

  /** Resolves to `false` (and writes nothing) when the user does not exist. */
  setRoles(id: string, roles: string[]): Promise<boolean> {
    return this.update(id, 'roles', JSON.stringify(roles));
  }

  /** One script: sets the flag and, when it changed, increments the credential version. `false` for an unknown id. */
  setDisabled(id: string, disabled: boolean): Promise<boolean> {
    return this.setCredential(id, 'dis', disabled ? '1' : '0', '');
  }

  async findByIdentity(provider: string, providerUserId: string): Promise<StoredUser | null> {
    const id = await redisCall(() => this.redis.get(this.keys.identity(provider, providerUserId)));
    return id === null ? null : this.findById(id);
  }

  /**
   * Writes the user hash and its identity entry (unreachable so far), then claims the identity with
   * SET NX. The loser of a race deletes its own records and returns the winner's user, which is
   * complete because it was written before the claim. The email is claimed last; if it is taken the
   * identity claim and the records are undone and `EmailTakenError` is thrown. (A loser that read the
   * winner just before such an undo gets a user that no longer exists; its session then cannot
   * refresh. That needs a password registration of the same email within the same milliseconds.)
   */
  async createWithIdentity(user: NewUser, identity: NewUserIdentity): Promise<{ user: StoredUser; created: boolean }> {
    const identityKey = this.keys.identity(identity.provider, identity.providerUserId);
    for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
      const id = randomUUID();
      const userKey = this.keys.user(id);
      const identitiesKey = this.keys.identities(id);
      await this.exec(
        this.redis.multi()
          .hset(userKey, this.userFields(id, user))
          .hset(identitiesKey, identity.provider, JSON.stringify({ ...identity, linkedAt: Date.now() }))
          .pexpire(userKey, PROVISIONAL_TTL_MS)
          .pexpire(identitiesKey, PROVISIONAL_TTL_MS),
      );
      if (!(await this.claim(identityKey, id))) {
        await redisCall(() => this.redis.del(userKey, identitiesKey));
        const owner = await redisCall(() => this.redis.get(identityKey));
        const winner = owner === null ? null : await this.findById(owner);
        if (winner) return { user: winner, created: false };
        continue;
      }
      if (user.email !== null && !(await this.claim(this.keys.email(user.email), id))) {
        await redisCall(() => this.commands.authkitDeleteIfEquals(identityKey, id));
        await redisCall(() => this.redis.del(userKey, identitiesKey));
        throw new EmailTakenError();
      }
      await this.exec(this.redis.multi().persist(userKey).persist(identitiesKey));
      return { user: { id, ...user, roles: [...user.roles], credentialVersion: 0 }, created: true };
    }
    throw new StoreUnavailableError();
  }

  /** SET NX on the identity key, then HSETNX of the user's entry for the provider (undone if the user has one). */
  linkIdentity(userId: string, identity: NewUserIdentity): Promise<LinkIdentityResult> {
    return this.link(userId, identity, 0);
  }

  private async link(userId: string, identity: NewUserIdentity, attempt: number): Promise<LinkIdentityResult> {
    const identityKey = this.keys.identity(identity.provider, identity.providerUserId);
    if (!(await this.claim(identityKey, userId))) {
      const owner = await redisCall(() => this.redis.get(identityKey));
      if (owner === userId) return { status: 'already-linked' };
      if (owner !== null) return { status: 'identity-taken', ownerId: owner };
      // Released between our SET NX and GET (an unlink): try again, a bounded number of times.
      if (attempt >= CREATE_ATTEMPTS) throw new StoreUnavailableError();
      return this.link(userId, identity, attempt + 1);
    }
    const entry = JSON.stringify({ ...identity, linkedAt: Date.now() });
    const added = await redisCall(() => this.redis.hsetnx(this.keys.identities(userId), identity.provider, entry));
    if (added !== 1) {
      await redisCall(() => this.commands.authkitDeleteIfEquals(identityKey, userId));
      return { status: 'provider-taken' };
    }
    return { status: 'linked' };
  }

  async listIdentities(userId: string): Promise<UserIdentity[]> {
    const hash = await redisCall(() => this.redis.hgetall(this.keys.identities(userId)));
    return Object.values(hash)
      .map(parseIdentity)
      .filter((identity): identity is UserIdentity => identity !== null)
      .sort((a, b) => a.linkedAt - b.linkedAt);
  }

  /** One script checks "not the last way to sign in" and removes the entry; then the identity key is released. */
  async unlinkIdentity(userId: string, provider: string): Promise<UnlinkIdentityResult> {
    const [status, entry] = await redisCall(() =>
      this.commands.authkitUnlinkIdentity(this.keys.user(userId), this.keys.identities(userId), provider),
    );
    if (Number(status) === 0) return 'not-found';
    if (Number(status) === -1) return 'last-sign-in-method';
    const identity = parseIdentity(entry ?? '');
    if (identity) {
      await redisCall(() => this.commands.authkitDeleteIfEquals(this.keys.identity(provider, identity.providerUserId), userId));
    }
    return 'unlinked';
  }

  /** Releases each identity key (if it still names this user), then removes the entries that were listed. */
  async unlinkAllIdentities(userId: string): Promise<number> {
    const identities = await this.listIdentities(userId);
    for (const identity of identities) {
      await redisCall(() => this.commands.authkitDeleteIfEquals(this.keys.identity(identity.provider, identity.providerUserId), userId));
    }
    if (identities.length > 0) {
      await redisCall(() => this.redis.hdel(this.keys.identities(userId), ...identities.map((identity) => identity.provider)));
    }
    return identities.length;
  }

  /**
   * Deletes the user hash and its identities hash (one slot, one transaction), then releases its email and
   * identity index keys, each only if it still names this user. A crash in between leaves index keys of a
   * user that no longer exists, which the next claim takes over (see `claim`).
   */
  async deleteUser(userId: string): Promise<boolean> {
    const userKey = this.keys.user(userId);
    const identitiesKey = this.keys.identities(userId);
    const [hash, identities] = await Promise.all([
      redisCall(() => this.redis.hgetall(userKey)),
      redisCall(() => this.redis.hgetall(identitiesKey)),
    ]);
    if (!hash.id) return false;
    await this.exec(this.redis.multi().del(userKey).del(identitiesKey));
    if (hash.email) await redisCall(() => this.commands.authkitDeleteIfEquals(this.keys.email(hash.email), userId));
    for (const identity of Object.values(identities).map(parseIdentity)) {
      if (identity) await redisCall(() => this.commands.authkitDeleteIfEquals(this.keys.identity(identity.provider, identity.providerUserId), userId));
    }
    return true;
  }

  /** Resolves to `false` (and writes nothing) when the user does not exist. */
  markEmailVerified(userId: string): Promise<boolean> {
    return this.update(userId, 'ev', '1');
  }

  /** Sets one field of an existing user's hash: one EVALSHA, single slot; nothing is written for an unknown id. */
  private async update(id: string, field: string, value: string): Promise<boolean> {
    const applied = await redisCall(() => this.commands.authkitSetIfUserExists(this.keys.user(id), field, value));
    return Number(applied) === 1;
  }

  private async setCredential(id: string, field: 'pwd' | 'dis', value: string, rehashOf: string): Promise<boolean> {
    const applied = await redisCall(() => this.commands.authkitSetCredential(this.keys.user(id), field, value, rehashOf));
    return Number(applied) === 1;
  }

  private userFields(id: string, user: NewUser): Record<string, string | number> {
    return {
      id,
      email: user.email ?? '',
      pwd: user.passwordHash ?? '',
      roles: JSON.stringify(user.roles),
      ev: user.emailVerified ? '1' : '0',
      cv: 0,
      ca: Date.now(),
      ...(user.profile ? { prof: JSON.stringify(user.profile) } : {}),
    };
  }

  /**
   * Claims an index key (email or identity -> user id) with SET NX. A claim held for a user whose record no
   * longer exists (its creation died half-way, or the record was deleted) is released and taken over: a
   * user's record is always written before its claims, so such a claim belongs to nobody.
   */
  private async claim(key: string, id: string): Promise<boolean> {
    if ((await redisCall(() => this.redis.set(key, id, 'NX'))) === 'OK') return true;
    const owner = await redisCall(() => this.redis.get(key));
    if (owner === null || owner === id || (await redisCall(() => this.redis.exists(this.keys.user(owner)))) === 1) return false;
    await redisCall(() => this.commands.authkitDeleteIfEquals(key, owner));
    return (await redisCall(() => this.redis.set(key, id, 'NX'))) === 'OK';
  }

  private async exec(transaction: ReturnType<RedisClient['multi']>): Promise<void> {
    const results = await redisCall(() => transaction.exec());
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw storeFailure(failed?.[0]);
  }
}

import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuthExceptionFilter, AuthModule, PasswordHasher } from '../../lib';
import { guardCredentialStore, guardIdentityStore, guardUserStore } from '../../lib/core/users/guarded-user.store';
import { CreateUsers1764547200000 } from '../../examples/typeorm-user-store/create-users.migration';
import { CreateUserIdentities1764547200001 } from '../../examples/typeorm-user-store/create-user-identities.migration';
import { CreateMfaFactors1764547200002 } from '../../examples/typeorm-user-store/create-mfa-factors.migration';
import { MfaFactorEntity, MfaRecoveryCodeEntity } from '../../examples/typeorm-user-store/mfa-factor.entity';
import { TypeOrmMfaFactorStore } from '../../examples/typeorm-user-store/typeorm-mfa-factor.store';
import { expectMfaInSql } from './mfa-recipe';
import { CreateOrganizations1764547200003 } from '../../examples/typeorm-user-store/create-organizations.migration';
import { TypeOrmOrganizationInvitationStore, TypeOrmOrganizationStore } from '../../examples/typeorm-user-store/typeorm-organization.stores';
import { TypeOrmIdentityStore } from '../../examples/typeorm-user-store/typeorm-identity.store';
import { TypeOrmUserStore } from '../../examples/typeorm-user-store/typeorm-user.store';
import { UserEntity } from '../../examples/typeorm-user-store/user.entity';
import { UserIdentityEntity } from '../../examples/typeorm-user-store/user-identity.entity';
import { UsersModule } from '../../examples/typeorm-user-store/users.module';
import {
  describeCredentialStoreContract, describeIdentityStoreContract, describeMfaFactorStoreContract, describeOrganizationStoreContract,
  describeUserStoreContract,
} from 'nestjs-authkit/testing';
// Passkeys (issue 24): the credentials in SQL.
import { describePasskeyCredentialStoreContract } from 'nestjs-authkit/testing';
import { CreatePasskeys1764547200004 } from '../../examples/typeorm-user-store/create-passkeys.migration';
import { PasskeyCredentialEntity } from '../../examples/typeorm-user-store/passkey-credential.entity';
import { TypeOrmPasskeyStore } from '../../examples/typeorm-user-store/typeorm-passkey.store';
import { expectPasskeysInSql, RECIPE_PASSKEYS } from './passkey-recipe';
import { Browser, cookieValue, type OAuthTestApp } from '../support/oauth-harness';
import { LocalOAuthProvider } from '../support/oauth-provider';
import { PostgresServer } from '../support/postgres-server';
import { freePort } from '../support/redis-server';
import { baseTestOptions, http, TestRoutesController, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';

let postgres: PostgresServer;
let dataSource: DataSource;
// Passkeys (issue 24): the table's entity and migration.
const PASSKEY_ENTITIES = [PasskeyCredentialEntity];
const PASSKEY_MIGRATIONS = [CreatePasskeys1764547200004];

beforeAll(async () => {
  postgres = await PostgresServer.start();
  dataSource = new DataSource({
    type: 'postgres', url: postgres.url, entities: [UserEntity, UserIdentityEntity, MfaFactorEntity, MfaRecoveryCodeEntity, ...PASSKEY_ENTITIES],
    migrations: [CreateUsers1764547200000, CreateUserIdentities1764547200001, CreateMfaFactors1764547200002, CreateOrganizations1764547200003, ...PASSKEY_MIGRATIONS], migrationsRun: true,
  });
  await dataSource.initialize();
}, 60_000);

afterAll(async () => {
  await dataSource?.destroy();
  await postgres?.stop();
});

const userStore = () => new TypeOrmUserStore(dataSource.getRepository(UserEntity));
const identityStore = () => new TypeOrmIdentityStore(dataSource.getRepository(UserEntity), dataSource.getRepository(UserIdentityEntity));

// The organizations feature's tables (issue 27).
describeOrganizationStoreContract('TypeOrmOrganizationStore (PostgreSQL)', () => ({
  organizations: new TypeOrmOrganizationStore(dataSource), invitations: new TypeOrmOrganizationInvitationStore(dataSource),
}));

// The shipped contracts, on the recipe's stores as written, and as the library sees them (behind its guards).
describeUserStoreContract('TypeOrmUserStore (PostgreSQL)', userStore);
describeUserStoreContract('TypeOrmUserStore (PostgreSQL) behind the library guard', () => guardUserStore(userStore()));
describeCredentialStoreContract('TypeOrmUserStore (PostgreSQL)', userStore);
describeCredentialStoreContract('TypeOrmUserStore (PostgreSQL) behind the library guards', () => ({
  users: guardUserStore(userStore()), credentials: guardCredentialStore(userStore()),
}));
const countUsers = async () => Number((await dataSource.query('SELECT count(*) AS n FROM users'))[0].n);
describeIdentityStoreContract('TypeOrmIdentityStore (PostgreSQL)', async () => {
  const before = await countUsers(); // the tests share one database: users created by this test only
  return {
    store: { users: userStore(), credentials: userStore(), identities: identityStore() },
    countUserRecords: async () => (await countUsers()) - before,
    close: async () => undefined,
  };
});
describeIdentityStoreContract('TypeOrmIdentityStore (PostgreSQL) behind the library guards', async () => ({
  store: { users: guardUserStore(userStore()), credentials: guardCredentialStore(userStore()), identities: guardIdentityStore(identityStore()) },
  close: async () => undefined,
}));

describeMfaFactorStoreContract('TypeOrmMfaFactorStore (PostgreSQL)', () => new TypeOrmMfaFactorStore(dataSource));

// The passkeys feature's table (issue 24).
describePasskeyCredentialStoreContract('TypeOrmPasskeyStore (PostgreSQL)', () => new TypeOrmPasskeyStore(dataSource));

describe('an app with TypeOrmUserStore in a non-global UsersModule', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: postgres.url, entities: [UserEntity, MfaFactorEntity, MfaRecoveryCodeEntity, ...PASSKEY_ENTITIES] }),
        AuthModule.forRootAsync({
          imports: [UsersModule],
          inject: [DataSource],
          useFactory: (appDataSource: DataSource) => ({
            ...baseTestOptions(`t${randomBytes(4).toString('hex')}`), userStore: TypeOrmUserStore,
            mfa: { encryptionKeys: [{ id: 'k1', key: Buffer.alloc(32, 6) }], factorStore: new TypeOrmMfaFactorStore(appDataSource) },
            // Passkeys (issue 24): the credentials in SQL, the challenges in Redis.
            passkeys: { ...RECIPE_PASSKEYS, origins: [...RECIPE_PASSKEYS.origins], stores: { credentials: new TypeOrmPasskeyStore(appDataSource) } },
          }),
        }),
      ],
      controllers: [TestRoutesController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalFilters(app.get(AuthExceptionFilter));
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(() => app?.close());

  it('registers, logs in, refreshes and reads /auth/me through the repository', async () => {
    const email = uniqueEmail('pg');
    const registered = await http(url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
    expect(registered.status).toBe(201);
    const [row] = await dataSource.query('SELECT id, email FROM users WHERE id = $1', [registered.body.user.id]);
    expect(row).toEqual({ id: registered.body.user.id, email });

    const login = await http(url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    const refreshed = await http(url, 'POST', '/auth/refresh', { json: { refreshToken: login.body.refreshToken } });
    expect(refreshed.status).toBe(200);
    const me = await http(url, 'GET', '/auth/me', { token: refreshed.body.accessToken });
    expect(me.body).toMatchObject({ id: row.id, email, roles: ['user'] });
  });

  it('keeps the second factors in SQL (mfa.factorStore): enrol, sign in with the password and a code; ciphertext and hashes only', async () => {
    await expectMfaInSql(url, { query: async (text, values) => ({ rows: await dataSource.query(text, values) }) });
  });

  // Passkeys (issue 24).
  it('keeps passkeys in PostgreSQL (passkeys.stores.credentials): register, then sign in with the passkey alone over HTTP', async () => {
    await expectPasskeysInSql(url, { query: async (text, values) => ({ rows: await dataSource.query(text, values) }) });
  });

  it('finds a legacy row stored with capitals, and refuses to register its email twice', async () => {
    const email = uniqueEmail('legacy');
    const stored = email.replace(/^legacy/, 'LeGaCy').toUpperCase().replace('@EXAMPLE.COM', '@Example.COM');
    const hash = await app.get<PasswordHasher>(PasswordHasher).hash(PASSWORD);
    await dataSource.query('INSERT INTO users (email, password_hash, roles) VALUES ($1, $2, $3)', [stored, hash, ['user']]);

    const login = await http(url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body.user.email).toBe(email);
    const again = await http(url, 'POST', '/auth/register', { json: { email: email.toUpperCase(), password: PASSWORD } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('email_taken');
  });

  it('answers a refresh token carrying a forged (non-uuid) user id with 401, never a 500', async () => {
    const email = uniqueEmail('forge');
    const login = await http(url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
    const [, sessionId, secret] = (login.body.refreshToken as string).split('.');
    for (const id of ['not-a-uuid', "1' OR '1'='1", 'x'.repeat(100)]) {
      const forged = `${Buffer.from(id).toString('base64url')}.${sessionId}.${secret}`;
      const res = await http(url, 'POST', '/auth/refresh', { json: { refreshToken: forged } });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('refresh_token_invalid');
    }
  });

  it('answers 503 store_unavailable (not 500) while the database is unreachable', async () => {
    const email = uniqueEmail('outage');
    expect((await http(url, 'POST', '/auth/register', { json: { email, password: PASSWORD } })).status).toBe(201);
    // Every connection of the app's pool is terminated and new ones are refused: the database is "down".
    const admin = new Client({ connectionString: postgres.url.replace(/\/postgres$/, '/template1') });
    await admin.connect();
    try {
      await admin.query('ALTER DATABASE postgres WITH ALLOW_CONNECTIONS false');
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'postgres'");
      const res = await http(url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('store_unavailable');
    } finally {
      await admin.query('ALTER DATABASE postgres WITH ALLOW_CONNECTIONS true');
      await admin.end();
    }
    const back = await http(url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(back.status).toBe(200);
  });
});

describe('OAuth on PostgreSQL: an app with TypeOrmUserStore + TypeOrmIdentityStore in a non-global UsersModule', () => {
  let provider: LocalOAuthProvider;
  let app: INestApplication;
  let browser: Browser;
  let url: string;
  let seq = 0;
  const nextSub = () => `pg${Date.now()}${++seq}`;

  beforeAll(async () => {
    provider = await LocalOAuthProvider.start();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: postgres.url, entities: [UserEntity, UserIdentityEntity] }),
        AuthModule.forRootAsync({
          imports: [UsersModule],
          useFactory: () => ({
            ...baseTestOptions(`t${randomBytes(4).toString('hex')}`), userStore: TypeOrmUserStore, identityStore: TypeOrmIdentityStore,
            oauth: {
              google: { ...provider.googleOptions(), callbackUrl: `${url}/auth/google/callback` },
              github: { ...provider.githubOptions(), callbackUrl: `${url}/auth/github/callback` },
              successRedirect: 'http://app.test/welcome',
            },
          }),
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalFilters(app.get(AuthExceptionFilter));
    await app.listen(port, '127.0.0.1');
    // The harness's browser drives the app and the provider by URL only.
    browser = new Browser({ app, url, keyPrefix: '', redis: undefined as never, close: () => app.close() } satisfies OAuthTestApp);
  });

  afterAll(async () => {
    await app?.close();
    await provider?.stop();
  });

  it('a first Google sign-in creates the user and its identity rows; the next one finds the same user', async () => {
    const email = uniqueEmail('pg-oauth');
    const sub = nextSub();
    const account = provider.addGoogleAccount({ sub, email, email_verified: true, name: 'PG User' });
    const first = await browser.signIn('google', account);
    expect(first.result.status).toBe(302);
    expect(first.result.location).toBe('http://app.test/welcome');
    const { me } = await browser.me(first.result);
    expect(me.body).toMatchObject({ email, roles: ['user'] });
    expect((await dataSource.query('SELECT email_verified FROM users WHERE id = $1', [me.body.id]))[0].email_verified).toBe(true);
    const rows = await dataSource.query('SELECT provider, provider_user_id, user_id FROM user_identities WHERE provider_user_id = $1', [sub]);
    expect(rows).toEqual([{ provider: 'google', provider_user_id: sub, user_id: me.body.id }]);

    const again = await browser.me((await browser.signIn('google', account)).result);
    expect(again.me.body.id).toBe(me.body.id);
    expect(Number((await dataSource.query('SELECT count(*) AS n FROM users WHERE email = $1', [email]))[0].n)).toBe(1);
  });

  it('a verified Google email secures a squatted password account (password removed, identity linked); unlinking the last way in is refused', async () => {
    const email = uniqueEmail('pg-squat');
    const squatted = await http(url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
    expect(squatted.status).toBe(201);
    const account = provider.addGoogleAccount({ sub: nextSub(), email, email_verified: true });
    const { me, accessToken } = await browser.me((await browser.signIn('google', account)).result);
    expect(me.body.id).toBe(squatted.body.user.id);
    const [row] = await dataSource.query('SELECT password_hash, email_verified FROM users WHERE id = $1', [me.body.id]);
    expect(row).toEqual({ password_hash: null, email_verified: true });
    expect((await http(url, 'POST', '/auth/login', { json: { email, password: PASSWORD } })).status).toBe(401);

    const listed = await http(url, 'GET', '/auth/identities', { token: accessToken });
    expect(listed.body).toEqual([expect.objectContaining({ provider: 'google' })]);
    const unlink = await http(url, 'DELETE', '/auth/identities/google', { token: accessToken });
    expect(unlink.body.code).toBe('last_sign_in_method');
  });

  it('a GitHub sign-in whose provider did not verify the email creates a user without email; its refresh cookie works', async () => {
    const id = 700_000 + Math.floor(Math.random() * 100_000);
    const account = provider.addGitHubAccount({ id, login: `pg${id}`, emails: [{ email: uniqueEmail('gh'), primary: true, verified: false }] });
    const { result } = await browser.signIn('github', account);
    expect(cookieValue(result.setCookie, 'authkit_rt')).toBeDefined();
    const { me } = await browser.me(result);
    expect(me.body).toMatchObject({ email: null });
    const [owner] = await dataSource.query('SELECT user_id FROM user_identities WHERE provider = $1 AND provider_user_id = $2', ['github', String(id)]);
    expect(owner.user_id).toBe(me.body.id);
  });
});

import 'reflect-metadata';
import { type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { drizzle } from 'drizzle-orm/node-postgres';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { AuthExceptionFilter, AuthModule } from '../../lib';
import { guardCredentialStore, guardIdentityStore, guardUserStore } from '../../lib/core/users/guarded-user.store';
import { DrizzleIdentityStore } from '../../examples/drizzle-user-store/drizzle-identity.store';
import { DrizzleMfaFactorStore } from '../../examples/drizzle-user-store/drizzle-mfa-factor.store';
import { DrizzleUserStore } from '../../examples/drizzle-user-store/drizzle-user.store';
import { type Database, DRIZZLE } from '../../examples/drizzle-user-store/drizzle.provider';
import { schema } from '../../examples/drizzle-user-store/schema';
import { DrizzleOrganizationInvitationStore, DrizzleOrganizationStore } from '../../examples/drizzle-user-store/drizzle-organization.stores';
import {
  describeCredentialStoreContract, describeIdentityStoreContract, describeMfaFactorStoreContract, describeOrganizationStoreContract,
  describeUserStoreContract,
} from 'nestjs-authkit/testing';
import { expectMfaInSql } from './mfa-recipe';
// Passkeys (issue 24): the credentials in SQL.
import { describePasskeyCredentialStoreContract } from 'nestjs-authkit/testing';
import { DrizzlePasskeyStore } from '../../examples/drizzle-user-store/drizzle-passkey.store';
import { expectPasskeysInSql, RECIPE_PASSKEYS } from './passkey-recipe';
import { PostgresServer } from '../support/postgres-server';
import { baseTestOptions, http, TestRoutesController, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';

let postgres: PostgresServer;
let pool: Pool;
let db: Database;

beforeAll(async () => {
  postgres = await PostgresServer.start();
  pool = new Pool({ connectionString: postgres.url, max: 20 });
  // The recipe's SQL migration, applied as it ships.
  await pool.query(readFileSync(join(__dirname, '../../examples/drizzle-user-store/migrations/0000_authkit_users.sql'), 'utf8'));
  await pool.query(readFileSync(join(__dirname, '../../examples/drizzle-user-store/migrations/0001_authkit_mfa.sql'), 'utf8'));
  await pool.query(readFileSync(join(__dirname, '../../examples/drizzle-user-store/migrations/0002_authkit_organizations.sql'), 'utf8'));
  // Passkeys (issue 24).
  await pool.query(readFileSync(join(__dirname, '../../examples/drizzle-user-store/migrations/0003_authkit_passkeys.sql'), 'utf8'));
  db = drizzle(pool, { schema });
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await postgres?.stop();
});

const userStore = () => new DrizzleUserStore(db);
const countUsers = async () => Number((await pool.query('SELECT count(*) AS n FROM users')).rows[0].n);

describeUserStoreContract('DrizzleUserStore (PostgreSQL)', userStore);
describeUserStoreContract('DrizzleUserStore (PostgreSQL) behind the library guard', () => guardUserStore(userStore()));
describeCredentialStoreContract('DrizzleUserStore (PostgreSQL)', userStore);
describeCredentialStoreContract('DrizzleUserStore (PostgreSQL) behind the library guards', () => ({
  users: guardUserStore(userStore()), credentials: guardCredentialStore(userStore()),
}));
describeIdentityStoreContract('DrizzleIdentityStore (PostgreSQL)', async () => {
  const before = await countUsers(); // the tests share one database: users created by this test only
  return {
    store: { users: userStore(), credentials: userStore(), identities: new DrizzleIdentityStore(db) },
    countUserRecords: async () => (await countUsers()) - before,
    close: async () => undefined,
  };
});
describeIdentityStoreContract('DrizzleIdentityStore (PostgreSQL) behind the library guards', async () => ({
  store: { users: guardUserStore(userStore()), credentials: guardCredentialStore(userStore()), identities: guardIdentityStore(new DrizzleIdentityStore(db)) },
  close: async () => undefined,
}));

describeMfaFactorStoreContract('DrizzleMfaFactorStore (PostgreSQL)', () => new DrizzleMfaFactorStore(db));
// The organizations feature's tables (issue 27).
describeOrganizationStoreContract('DrizzleOrganizationStore (PostgreSQL)', () => ({
  organizations: new DrizzleOrganizationStore(db), invitations: new DrizzleOrganizationInvitationStore(db),
}));

// The passkeys feature's table (issue 24).
describePasskeyCredentialStoreContract('DrizzlePasskeyStore (PostgreSQL)', () => new DrizzlePasskeyStore(db));

describe('an app with DrizzleUserStore + DrizzleIdentityStore in a non-global DatabaseModule', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    @Module({ providers: [{ provide: DRIZZLE, useFactory: () => db }], exports: [DRIZZLE] })
    class DatabaseModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRootAsync({
          imports: [DatabaseModule],
          inject: [DRIZZLE],
          useFactory: (database: Database) => ({
            ...baseTestOptions(`t${randomBytes(4).toString('hex')}`), userStore: DrizzleUserStore, identityStore: DrizzleIdentityStore,
            mfa: { encryptionKeys: [{ id: 'k1', key: Buffer.alloc(32, 6) }], factorStore: new DrizzleMfaFactorStore(db) },
            organizations: {
              invitationUrl: 'https://app.test/invitations',
              stores: { organizations: new DrizzleOrganizationStore(database), invitations: new DrizzleOrganizationInvitationStore(database) },
            },
            // Passkeys (issue 24): the credentials in SQL, the challenges in Redis.
            passkeys: { ...RECIPE_PASSKEYS, origins: [...RECIPE_PASSKEYS.origins], stores: { credentials: new DrizzlePasskeyStore(database) } },
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

  it('registers, logs in, refreshes, changes the password (credential version in SQL) and refuses a duplicate email', async () => {
    const email = uniqueEmail('drizzle');
    const registered = await http(url, 'POST', '/auth/register', { json: { email, password: PASSWORD } });
    expect(registered.status).toBe(201);
    const { rows } = await pool.query('SELECT email, credential_version FROM users WHERE id = $1', [registered.body.user.id]);
    expect(rows).toEqual([{ email, credential_version: 0 }]);

    const login = await http(url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    const refreshed = await http(url, 'POST', '/auth/refresh', { json: { refreshToken: login.body.refreshToken } });
    expect(refreshed.status).toBe(200);
    const changed = await http(url, 'POST', '/auth/password/change', {
      token: refreshed.body.accessToken, json: { currentPassword: PASSWORD, newPassword: `${PASSWORD} 2` },
    });
    expect(changed.status).toBe(204);
    expect((await pool.query('SELECT credential_version FROM users WHERE id = $1', [registered.body.user.id])).rows[0].credential_version).toBe(1);
    expect((await http(url, 'POST', '/auth/login', { json: { email, password: `${PASSWORD} 2` } })).status).toBe(200);
    const again = await http(url, 'POST', '/auth/register', { json: { email: email.toUpperCase(), password: PASSWORD } });
    expect(again.body.code).toBe('email_taken');
  });

  it('keeps the second factors in SQL (mfa.factorStore): enrol, sign in with the password and a code; ciphertext and hashes only', async () => {
    await expectMfaInSql(url, pool);
  });

  it('keeps organizations in PostgreSQL (organizations.stores), and their claims in the access token', async () => {
    const registered = await http(url, 'POST', '/auth/register', { json: { email: uniqueEmail('drizzle-org'), password: PASSWORD } });
    const created = await http(url, 'POST', '/auth/orgs', { token: registered.body.accessToken, json: { name: 'Postgres Inc' } });
    expect(created.status).toBe(201);
    const { rows } = await pool.query('SELECT user_id, roles FROM organization_members WHERE org_id = $1', [created.body.id]);
    expect(rows).toEqual([{ user_id: registered.body.user.id, roles: ['owner'] }]);
    const active = await http(url, 'POST', '/auth/orgs/active', { token: registered.body.accessToken, json: { orgId: created.body.id } });
    expect(active.body.org).toEqual({ id: created.body.id, roles: ['owner'] });
    expect((await http(url, 'GET', `/auth/orgs/${created.body.id}/members`, { token: active.body.accessToken })).status).toBe(200);
  });

  // Passkeys (issue 24).
  it('keeps passkeys in PostgreSQL (passkeys.stores.credentials): register, then sign in with the passkey alone over HTTP', async () => {
    await expectPasskeysInSql(url, pool);
  });
});

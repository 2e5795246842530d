import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuthExceptionFilter, AuthModule, PasswordHasher } from '../../lib';
import { guardUserStore } from '../../lib/core/users/guarded-user.store';
import { CreateUsers1764547200000 } from '../../examples/typeorm-user-store/create-users.migration';
import { TypeOrmUserStore } from '../../examples/typeorm-user-store/typeorm-user.store';
import { UserEntity } from '../../examples/typeorm-user-store/user.entity';
import { UsersModule } from '../../examples/typeorm-user-store/users.module';
import { describeUserStoreContract } from 'nestjs-authkit/testing';
import { PostgresServer } from '../support/postgres-server';
import { baseTestOptions, http, TestRoutesController, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';

let postgres: PostgresServer;
let dataSource: DataSource;

beforeAll(async () => {
  postgres = await PostgresServer.start();
  dataSource = new DataSource({
    type: 'postgres', url: postgres.url, entities: [UserEntity], migrations: [CreateUsers1764547200000], migrationsRun: true,
  });
  await dataSource.initialize();
}, 60_000);

afterAll(async () => {
  await dataSource?.destroy();
  await postgres?.stop();
});

// The shipped contract, on the recipe's store as written, and as the library sees it (behind its guard).
describeUserStoreContract('TypeOrmUserStore (PostgreSQL)', () => new TypeOrmUserStore(dataSource.getRepository(UserEntity)));
describeUserStoreContract('TypeOrmUserStore (PostgreSQL) behind the library guard', () =>
  guardUserStore(new TypeOrmUserStore(dataSource.getRepository(UserEntity))));

describe('an app with TypeOrmUserStore in a non-global UsersModule', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: postgres.url, entities: [UserEntity] }),
        AuthModule.forRootAsync({
          imports: [UsersModule],
          useFactory: () => ({ ...baseTestOptions(`t${randomBytes(4).toString('hex')}`), userStore: TypeOrmUserStore }),
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

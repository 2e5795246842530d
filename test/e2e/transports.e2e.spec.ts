import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Field, GraphQLModule, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { io, type Socket } from 'socket.io-client';
import { UseGuards } from '@nestjs/common';
import { AccessTokenGuard, type AuthenticatedUser, CurrentUser, Public, Roles, RolesGuard, UserStore } from '../../lib';
import { createTestApp, http, type TestApp, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';

@ObjectType()
class Principal {
  @Field() id!: string;
  @Field() sessionId!: string;
  @Field(() => [String]) roles!: string[];
}

@Resolver()
class TransportResolver {
  @Public()
  @Query(() => String)
  hello(): string {
    return 'world';
  }

  @Query(() => Principal)
  me(@CurrentUser() user: AuthenticatedUser): AuthenticatedUser {
    return user;
  }

  @Query(() => String)
  myId(@CurrentUser('id') id: string): string {
    return id;
  }

  @Roles('admin')
  @Query(() => String)
  adminOnly(): string {
    return 'admin';
  }
}

/** Nest never applies global guards to gateways: a gateway names them (the README says so). */
@WebSocketGateway()
@UseGuards(AccessTokenGuard, RolesGuard)
class TransportGateway {
  @Public()
  @SubscribeMessage('ping')
  ping(): string {
    return 'pong';
  }

  @Public()
  @SubscribeMessage('who')
  who(@CurrentUser() user: AuthenticatedUser | undefined): { id: string | null } {
    return { id: user?.id ?? null };
  }

  @SubscribeMessage('me')
  me(@CurrentUser() user: AuthenticatedUser, @MessageBody() body: unknown): { user: AuthenticatedUser; body: unknown } {
    return { user, body };
  }

  @Roles('admin')
  @SubscribeMessage('admin')
  admin(): string {
    return 'admin';
  }
}

describe('guards and @CurrentUser() in GraphQL (Apollo) and WebSocket (socket.io) contexts', () => {
  let t: TestApp;
  let user: { id: string; accessToken: string };
  let admin: { id: string; accessToken: string };

  async function signIn(email: string): Promise<{ id: string; accessToken: string }> {
    const res = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(res.status).toBe(200);
    return { id: res.body.user.id, accessToken: res.body.accessToken };
  }

  beforeAll(async () => {
    t = await createTestApp({}, {}, {
      imports: [GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true })],
      providers: [TransportResolver, TransportGateway],
    });
    const userEmail = uniqueEmail('gql');
    const adminEmail = uniqueEmail('gql-admin');
    for (const email of [userEmail, adminEmail]) {
      expect((await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } })).status).toBe(201);
    }
    user = await signIn(userEmail);
    const adminUser = await signIn(adminEmail);
    await t.app.get<UserStore>(UserStore).setRoles(adminUser.id, ['admin']);
    admin = await signIn(adminEmail);
  });

  afterAll(() => t.close());

  describe('GraphQL', () => {
    const gql = (query: string, token?: string) => http(t.url, 'POST', '/graphql', { json: { query }, token });

    it('lets anonymous requests through to @Public() resolvers', async () => {
      const res = await gql('{ hello }');
      expect(res.body).toEqual({ data: { hello: 'world' } });
    });

    it('refuses an anonymous query with the library code in extensions.code, not a 500', async () => {
      const res = await gql('{ me { id } }');
      expect(res.body.data).toBeNull();
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0].extensions).toMatchObject({ code: 'access_token_missing', statusCode: 401 });
    });

    it('refuses a forged token with access_token_invalid', async () => {
      const res = await gql('{ me { id } }', `${user.accessToken}x`);
      expect(res.body.errors[0].extensions.code).toBe('access_token_invalid');
    });

    it('fills @CurrentUser() for a signed-in user', async () => {
      const res = await gql('{ me { id sessionId roles } myId }', user.accessToken);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.me).toEqual({ id: user.id, sessionId: expect.any(String), roles: ['user'] });
      expect(res.body.data.myId).toBe(user.id);
    });

    it("answers insufficient_role (403) to a user on @Roles('admin'), and lets an admin in", async () => {
      const refused = await gql('{ adminOnly }', user.accessToken);
      expect(refused.body.errors[0].extensions).toMatchObject({ code: 'insufficient_role', statusCode: 403 });
      const allowed = await gql('{ adminOnly }', admin.accessToken);
      expect(allowed.body).toEqual({ data: { adminOnly: 'admin' } });
    });
  });

  describe('WebSocket (socket.io)', () => {
    const sockets: Socket[] = [];

    async function connect(auth?: { token: string }, headers?: Record<string, string>): Promise<Socket> {
      const socket = io(t.url, { transports: ['websocket'], auth, extraHeaders: headers, reconnection: false, forceNew: true });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      return socket;
    }

    /** The handler's acknowledgement, or the `exception` event Nest emits when a guard refuses. */
    function call(socket: Socket, event: string, body: unknown = {}): Promise<{ ack?: unknown; exception?: Record<string, unknown> }> {
      return new Promise((resolve) => {
        const onException = (exception: Record<string, unknown>) => resolve({ exception });
        socket.once('exception', onException);
        socket.emit(event, body, (ack: unknown) => {
          socket.off('exception', onException);
          resolve({ ack });
        });
      });
    }

    afterAll(() => {
      for (const socket of sockets) socket.disconnect();
    });

    it('answers @Public() messages without a token', async () => {
      expect(await call(await connect(), 'ping')).toEqual({ ack: 'pong' });
    });

    it('refuses an anonymous message with a WsException carrying the code', async () => {
      const { exception } = await call(await connect(), 'me');
      expect(exception).toMatchObject({ status: 'error', statusCode: 401, code: 'access_token_missing' });
    });

    it('reads the token from the handshake (auth.token) and fills @CurrentUser()', async () => {
      const { ack } = await call(await connect({ token: user.accessToken }), 'me', { hi: 1 });
      expect(ack).toEqual({ user: expect.objectContaining({ id: user.id, sessionId: expect.any(String), roles: ['user'] }), body: { hi: 1 } });
    });

    it('reads the token from the Authorization header of the handshake', async () => {
      const { ack } = await call(await connect(undefined, { authorization: `Bearer ${user.accessToken}` }), 'me');
      expect((ack as { user: AuthenticatedUser }).user.id).toBe(user.id);
    });

    it("answers insufficient_role to a user on @Roles('admin'), and lets an admin in", async () => {
      const refused = await call(await connect({ token: user.accessToken }), 'admin');
      expect(refused.exception).toMatchObject({ statusCode: 403, code: 'insufficient_role' });
      expect(await call(await connect({ token: admin.accessToken }), 'admin')).toEqual({ ack: 'admin' });
    });

    it("a @Public() message after an authenticated one on the same socket gets no user (never the last message's)", async () => {
      const socket = await connect({ token: user.accessToken });
      expect(((await call(socket, 'me')).ack as { user: AuthenticatedUser }).user.id).toBe(user.id);
      expect(await call(socket, 'who')).toEqual({ ack: { id: null } });
    });

    it('authenticates every message: a session revoked after the handshake stops the next message', async () => {
      const email = uniqueEmail('ws-revoke');
      expect((await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } })).status).toBe(201);
      const signedIn = await signIn(email);
      const socket = await connect({ token: signedIn.accessToken });
      expect((await call(socket, 'me')).ack).toBeDefined();
      expect((await http(t.url, 'POST', '/auth/logout', { token: signedIn.accessToken })).status).toBe(204);
      expect((await call(socket, 'me')).exception).toMatchObject({ code: 'session_revoked' });
    });
  });
});

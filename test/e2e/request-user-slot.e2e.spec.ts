import { Controller, Get, Req } from '@nestjs/common';
import { Public } from '../../lib';
import { createTestApp, http, type TestApp, uniqueEmail } from '../support/test-app';

interface SeenRequest {
  ownUser: boolean;
  user: unknown;
  keys: string[];
}

/** Reports what the handler sees of its Express request: whether `user` is own, its value, the order of the own keys. */
function seen(request: Record<string, unknown>): SeenRequest {
  return { ownUser: Object.hasOwn(request, 'user'), user: request.user ?? null, keys: Object.keys(request) };
}

@Controller('slot')
class SlotController {
  @Public()
  @Get('public')
  open(@Req() request: Record<string, unknown>): SeenRequest {
    return seen(request);
  }

  @Get('guarded')
  guarded(@Req() request: Record<string, unknown>): SeenRequest {
    return seen(request);
  }
}

// Express only (this suite is not in the fastify project): `user` is declared as each request arrives, before
// Express sets the request's prototype and adds its own fields, so the guard's `request.user = principal` is a store
// into the request's shape, not an addition (see lib/core/http/request-user-slot.ts).
describe('request.user on Express', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, {}, { controllers: [SlotController] });
  });
  afterAll(() => t.close());

  it('is declared (undefined) on every request, before the fields Express adds', async () => {
    const res = await http<SeenRequest>(t.url, 'GET', '/slot/public');
    expect(res.status).toBe(200);
    expect(res.body.ownUser).toBe(true);
    expect(res.body.user).toBeNull();
    expect(res.body.keys.indexOf('user')).toBeGreaterThanOrEqual(0);
    expect(res.body.keys.indexOf('user')).toBeLessThan(res.body.keys.indexOf('originalUrl'));
  });

  it('holds the principal after the guard, in the same place', async () => {
    const registered = await http(t.url, 'POST', '/auth/register', { json: { email: uniqueEmail('slot'), password: 'correct horse battery staple' } });
    expect(registered.status).toBe(201);
    const res = await http<SeenRequest>(t.url, 'GET', '/slot/guarded', { token: registered.body.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: registered.body.user.id, roles: ['user'] });
    expect(res.body.keys.indexOf('user')).toBeLessThan(res.body.keys.indexOf('originalUrl'));
  });

  it('adds one listener to the server', () => {
    const server = t.app.getHttpServer() as { listeners(event: string): unknown[] };
    expect(server.listeners('request').filter((listener) => (listener as { name?: string }).name === 'declareUser')).toHaveLength(1);
  });
});

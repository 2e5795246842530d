import { useOwnRedis } from '../support/own-redis';
import { http, uniqueEmail } from '../support/test-app';
import { createAbuseApp, eventually, strongPassword } from '../support/abuse-app';

/**
 * Finding 8 of issue 10: during a CLIENT PAUSE, logins time out with 503, but Redis ran their throttle
 * increments once it resumed and locked the user out. A hit that timed out is now cancelled right behind it
 * on the same connection (the in-process fallback limiter counted the attempt instead).
 */
describe('throttle increments of logins that timed out during CLIENT PAUSE', () => {
  const own = useOwnRedis((url) => createAbuseApp({ redis: { url } }));

  it('5 correct logins answered 503 during CLIENT PAUSE 3000 do not lock the user out once Redis resumes', async () => {
    const email = uniqueEmail('pause');
    const password = strongPassword();
    const reg = await http(own.app.url, 'POST', '/auth/register', { json: { email, password } });
    expect(reg.status).toBe(201);
    await own.admin.call('CLIENT', 'PAUSE', '3000', 'ALL');
    const during = await Promise.all(
      Array.from({ length: 5 }, () => http(own.app.url, 'POST', '/auth/login', { json: { email, password }, timeoutMs: 2500 })),
    );
    expect(during.map((r) => r.status)).toEqual([503, 503, 503, 503, 503]);
    // Wait for the pause to end with a request that touches no throttle counter.
    expect(await eventually(async () => (await http(own.app.url, 'GET', '/auth/me', { token: reg.body.accessToken })).status === 200, 60)).toBe(true);

    const after = await http(own.app.url, 'POST', '/auth/login', { json: { email, password } });
    expect(after.status).toBe(200);
    // ...and the wrong-password budget is whole again: 5 failures, then the block.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await http(own.app.url, 'POST', '/auth/login', { json: { email, password: 'not the password' } })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });
});

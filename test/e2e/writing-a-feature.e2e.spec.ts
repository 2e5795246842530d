import { ManualClock } from 'nestjs-authkit/testing';
import { officeHours } from '../examples/office-hours/office-hours.feature';
import { createTestApp, http, type TestApp, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery';
/** Wednesday 2030-01-09. */
const WEDNESDAY_10H = Date.UTC(2030, 0, 9, 10, 0, 0);
const WEDNESDAY_20H = Date.UTC(2030, 0, 9, 20, 0, 0);
const SATURDAY_10H = Date.UTC(2030, 0, 12, 10, 0, 0);

describe('a feature written as an app writes one (test/examples/office-hours/, public API only; real HTTP, real Redis)', () => {
  const clock = new ManualClock();
  const setTime = (at: number) => clock.advance(at - clock.now());
  let t: TestApp;
  let email: string;

  beforeAll(async () => {
    t = await createTestApp({}, { features: [officeHours({ openHourUtc: 8, closeHourUtc: 18, now: clock.now })] });
    setTime(WEDNESDAY_10H);
    email = uniqueEmail('hours');
    expect((await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } })).status).toBe(201);
  });

  afterAll(async () => {
    await t?.close();
  });

  it("its route is mounted under the auth prefix, next to the library's own", async () => {
    setTime(WEDNESDAY_10H);
    const open = await http(t.url, 'GET', '/auth/office-hours');
    expect(open.status).toBe(200);
    expect(open.body).toEqual({ open: true, openHourUtc: 8, closeHourUtc: 18 });
    setTime(SATURDAY_10H);
    expect((await http(t.url, 'GET', '/auth/office-hours')).body.open).toBe(false);
  });

  it('its sign-in step runs on every sign-in: open on a weekday at 10:00, 403 outside_office_hours at 20:00 and on Saturday', async () => {
    setTime(WEDNESDAY_10H);
    const login = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    for (const at of [WEDNESDAY_20H, SATURDAY_10H]) {
      setTime(at);
      const refused = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'outside_office_hours' });
      expect(refused.body.accessToken).toBeUndefined();
    }
  });

  it('the step refuses only a sign-in: a session started in office hours keeps refreshing after them', async () => {
    setTime(WEDNESDAY_10H);
    const login = await http(t.url, 'POST', '/auth/login', { json: { email, password: PASSWORD } });
    setTime(WEDNESDAY_20H);
    const me = await http(t.url, 'GET', '/auth/me', { token: login.body.accessToken });
    expect(me.status).toBe(200);
  });

  it('an app without the feature has neither the route nor the step', async () => {
    const plain = await createTestApp();
    try {
      setTime(WEDNESDAY_20H);
      expect((await http(plain.url, 'GET', '/auth/office-hours')).status).toBe(404);
      const address = uniqueEmail('plain');
      expect((await http(plain.url, 'POST', '/auth/register', { json: { email: address, password: PASSWORD } })).status).toBe(201);
    } finally {
      await plain.close();
    }
  });
});

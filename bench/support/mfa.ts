import { Argon2PasswordHasher } from '../../lib';
import { MfaSecretCipher } from '../../lib/features/mfa/mfa-secret.cipher';
import { newRecoveryCodes } from '../../lib/features/mfa/recovery-codes';
import { RedisMfaFactorStore } from '../../lib/features/mfa/redis-mfa.stores';
import { hotp, newTotpSecret, totpStep } from '../../lib/features/mfa/totp';
import type { AppProcess } from './app-process';
import { type Fixtures, PASSWORD } from './fixtures';
import { bearer, expectStatus, JSON_HEADERS } from './http-client';
import type { LoadResult } from './load';
import { LOGIN_CONNECTIONS } from './login-load';
import type { RedisCost, RedisCostMeter } from './redis-cost';
import type { Row, Target } from './report';
import type { Route } from './routes';
import { median, quartiles } from './stats';

/** The MFA app's key id (its key: `BENCH_MFA_KEY`, random per run). */
export const MFA_KEY_ID = 'bench';

interface MfaUser {
  email: string;
  secret: Buffer;
  /** The last TOTP step used (the server never accepts a step twice per user). */
  lastStep: number;
  busy: boolean;
}

/** Latencies in ms, sorted: the p-th percentile. */
function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
}

/**
 * The MFA rows: users with TOTP on (made through the library's stores, the secret under the MFA app's key), signed in
 * with the password and finished with `POST /auth/mfa/verify`. A code's step is never accepted twice for a user, so
 * each sign-in takes a user with a free step (the one before now, else now) and the pool is large enough for the
 * row's rate (a user frees one step per 30 s).
 */
export class MfaBench {
  private readonly users: MfaUser[] = [];
  private next = 0;

  constructor(readonly app: AppProcess, private readonly fixtures: Fixtures, private readonly key: Buffer) {}

  /** `count` users with TOTP on (one argon2 hash for all: making them is not what is measured). */
  async prepare(count: number): Promise<void> {
    const passwordHash = await new Argon2PasswordHasher(this.fixtures.options.identity.passwordHashing).hash(PASSWORD);
    const store = new RedisMfaFactorStore(this.fixtures.redis, this.fixtures.options.redis.keyPrefix);
    const cipher = new MfaSecretCipher([{ id: MFA_KEY_ID, key: this.key }]);
    const now = Date.now();
    // Enrolled two steps ago: the step before now and now are both free.
    const enrolStep = totpStep(now) - 2;
    const made = await Promise.all(Array.from({ length: count }, async (_, i) => {
      const email = `mfa-${i}-${now.toString(36)}@bench.test`;
      const user = await this.fixtures.users.create({ email, passwordHash, roles: ['user'], emailVerified: true });
      const secret = newTotpSecret();
      await store.savePendingTotp(user.id, cipher.encrypt(secret, user.id), now + 60_000);
      const confirmed = await store.confirmTotp(user.id, { step: enrolStep, recoveryCodeHashes: newRecoveryCodes().hashes, now });
      if (confirmed !== 'confirmed') throw new Error(`MFA bench user ${i}: ${confirmed}`);
      return { email, secret, lastStep: enrolStep, busy: false };
    }));
    this.users.push(...made);
  }

  /** One sign-in: the password (200 `mfaRequired`), then the code; the verify's own latency and the statuses. */
  async signIn(): Promise<{ status: number; verifyMs: number; accessToken?: string }> {
    const user = this.take();
    try {
      const login = await this.post('/auth/login', { email: user.email, password: PASSWORD });
      const challenge = (await login.json()) as { mfaToken?: string };
      if (login.status !== 200 || !challenge.mfaToken) return { status: login.status === 200 ? 500 : login.status, verifyMs: 0 };
      const started = performance.now();
      const verified = await this.post('/auth/mfa/verify', { mfaToken: challenge.mfaToken, code: this.codeOf(user) });
      const body = (await verified.json()) as { accessToken?: string };
      return { status: verified.status, verifyMs: performance.now() - started, accessToken: body.accessToken };
    } finally {
      user.busy = false;
    }
  }

  /**
   * Row 8 (and 8v): `connections` clients, each signing in (login + verify) again and again for `seconds`. Throughput
   * and latency are of whole sign-ins; 8v is the verify requests alone within the same run.
   */
  async measureRows(connections: number, seconds: number, warmupSeconds: number, openRequestsPerSecond: number): Promise<Row[]> {
    await this.run(connections, warmupSeconds);
    const { pairs, verifies, statusCodes, errors, durationSeconds } = await this.run(connections, seconds);
    const row = (id: string, route: string, latencies: number[]): Row => {
      const sorted = [...latencies].sort((a, b) => a - b);
      const result: LoadResult = {
        requests: latencies.length,
        requestsPerSecond: latencies.length / durationSeconds,
        latencyP50Ms: percentile(sorted, 50),
        latencyP99Ms: percentile(sorted, 99),
        non2xx: Object.entries(statusCodes).filter(([code]) => !code.startsWith('2')).reduce((n, [, count]) => n + count, 0),
        statusCodes,
        errors,
        durationSeconds,
      };
      const ratio = result.requestsPerSecond / openRequestsPerSecond;
      return { id, route, ...result, slicesRequestsPerSecond: [result.requestsPerSecond], roundRatios: [ratio], ratioToOpen: ratio };
    };
    return [
      row('8', `\`POST /auth/login\` + \`POST /auth/mfa/verify\` (TOTP), a whole sign-in per request, ${connections} connections: reported, not targeted`, pairs),
      row('8v', '`POST /auth/mfa/verify` alone, within row 8 (its requests and latency)', verifies),
    ];
  }

  /** Redis cost of the MFA user's login (its challenge), of the verify, and of a guarded request on the MFA app. */
  async measureCosts(meter: RedisCostMeter, samples: number): Promise<RedisCost[]> {
    const challenges = (count: number) => Promise.all(Array.from({ length: count }, async () => {
      const user = this.take();
      const login = await this.post('/auth/login', { email: user.email, password: PASSWORD });
      await expectStatus(login, 200, 'MFA login');
      return { user, mfaToken: ((await login.json()) as { mfaToken: string }).mfaToken };
    }));
    const costs: RedisCost[] = [];
    costs.push(await meter.measure('mfa login (password, then the challenge)', samples, async (count) => Array.from({ length: count }, () => undefined), async () => {
      const user = this.take();
      user.busy = false;
      const login = await this.post('/auth/login', { email: user.email, password: PASSWORD });
      await expectStatus(login, 200, 'MFA login');
    }));
    costs.push(await meter.measure('mfa verify (TOTP)', samples, challenges, async ({ user, mfaToken }) => {
      try {
        await expectStatus(await this.post('/auth/mfa/verify', { mfaToken, code: this.codeOf(user) }), 200, 'MFA verify');
      } finally {
        user.busy = false;
      }
    }));
    const { accessToken } = await this.signIn();
    if (!accessToken) throw new Error('MFA sign-in gave no access token');
    costs.push(await meter.measure('authenticated request (mfa on)', samples, async (count) => Array.from({ length: count }, () => undefined), async () => {
      await expectStatus(await fetch(`${this.app.url}/guarded`, { headers: bearer(accessToken) }), 200, 'GET /guarded (mfa on)');
    }));
    return costs;
  }

  /**
   * Rows 1m and 2m: the MFA app's `GET /` and `GET /guarded` (`token`: a session of this app that passed TOTP), 2m
   * between slices of 1m as row 2 between slices of 1, so that 2m x 1m and 2 x 1 are alike (each process its own
   * ceiling: two processes on a shared machine differ by more than the few percent this is about).
   */
  guardedRoutes(token: string): Route[] {
    return [
      {
        id: '1m',
        route: '`GET /` of the app with the `mfa` option on, same header: row 2m\'s own ceiling (same code, other process)',
        app: this.app,
        spec: { url: `${this.app.url}/`, headers: bearer(token) },
      },
      {
        id: '2m',
        route: '`GET /guarded` with the `mfa` option on (a session that passed TOTP), x row 1m: compare with row 2',
        app: this.app,
        ceiling: '1m',
        spec: { url: `${this.app.url}/guarded`, headers: bearer(token) },
      },
    ];
  }

  private async run(connections: number, seconds: number) {
    const pairs: number[] = [];
    const verifies: number[] = [];
    const statusCodes: Record<string, number> = {};
    let errors = 0;
    const started = performance.now();
    const end = started + seconds * 1000;
    await Promise.all(Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const begun = performance.now();
        try {
          const { status, verifyMs } = await this.signIn();
          statusCodes[status] = (statusCodes[status] ?? 0) + 1;
          if (status === 200) {
            pairs.push(performance.now() - begun);
            verifies.push(verifyMs);
          }
        } catch {
          errors += 1;
        }
      }
    }));
    return { pairs, verifies, statusCodes, errors, durationSeconds: (performance.now() - started) / 1000 };
  }

  /** A user with a free step now (the round robin skips users in use or used up for this step). */
  private take(): MfaUser {
    const step = totpStep(Date.now());
    for (let tried = 0; tried < this.users.length; tried++) {
      const user = this.users[this.next++ % this.users.length];
      if (!user.busy && user.lastStep < step) {
        user.busy = true;
        return user;
      }
    }
    throw new Error(`MFA bench: every one of ${this.users.length} users used this step: make more`);
  }

  /** The code of the user's oldest free step in the window (the one before now, else now), marked used. */
  private codeOf(user: MfaUser): string {
    const step = Math.max(user.lastStep + 1, totpStep(Date.now()) - 1);
    user.lastStep = step;
    return hotp(user.secret, step);
  }

  private post(path: string, body: unknown): Promise<Response> {
    return fetch(`${this.app.url}${path}`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
  }
}

/** Users an MFA run needs: a user frees one step per 30 s, and a run signs in up to ~40 times a second. */
export function mfaUserCount(smoke: boolean): number {
  return smoke ? 32 : 1024;
}

/** The MFA targets: exact Redis costs (the guarded route's unchanged), and row 2m against row 2. */
export function mfaTargets(rows: Row[], costs: RedisCost[]): Target[] {
  const cost = (name: string) => costs.find((c) => c.operation.startsWith(name));
  const guarded = cost('authenticated request (default');
  const withMfa = cost('authenticated request (mfa on)');
  const verify = cost('mfa verify');
  const login = cost('mfa login');
  const m = rows.find((r) => r.id === '2m');
  const targets: Target[] = [
    {
      name: 'guarded with the mfa option on: the same Redis commands as without (1 HGET)', kind: 'count',
      measured: `${withMfa?.commandsPerOp} commands, ${withMfa?.roundTripsPerOp} round trips (${withMfa?.sequence}); without: ${guarded?.commandsPerOp} (${guarded?.sequence})`,
      met: !!withMfa && !!guarded && withMfa.commandsPerOp === guarded.commandsPerOp && withMfa.roundTripsPerOp === guarded.roundTripsPerOp && withMfa.sequence === guarded.sequence,
    },
    {
      // Challenge | failures + factors (pipelined) | the step + the challenge used up | the user and the session (test/e2e/mfa.e2e.spec.ts).
      name: 'mfa verify <= 4 Redis round trips', kind: 'count',
      measured: `${verify?.roundTripsPerOp} (${verify?.sequence})`, met: !!verify && verify.roundTripsPerOp <= 4,
    },
    {
      // A password login (3: the factors read rides with the throttle reset) plus the challenge written.
      name: 'login of an MFA user <= 4 Redis round trips', kind: 'count',
      measured: `${login?.roundTripsPerOp} (${login?.sequence})`, met: !!login && login.roundTripsPerOp <= 4,
    },
  ];
  const plain = rows.find((r) => r.id === '2');
  if (m && plain) {
    // Per round: (2m x 1m) / (2 x 1); the median over the rounds.
    const quotients = m.roundRatios.map((ratio, i) => ratio / plain.roundRatios[i]);
    targets.push({
      name: 'guarded with the mfa option on: x its open route within 5% of row 2 x row 1 (median over rounds of (2m/1m) / (2/1))', kind: 'timing',
      measured: `${((median(quotients) - 1) * 100).toFixed(1)}% (${quotients.length} rounds; middle half ${quartiles(quotients).map((q) => `${((q - 1) * 100).toFixed(0)}%`).join(' to ')})`,
      met: Math.abs(median(quotients) - 1) <= 0.05,
    });
  }
  return targets;
}

export { LOGIN_CONNECTIONS as MFA_CONNECTIONS };

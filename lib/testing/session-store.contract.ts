/// <reference types="jest" />
import { randomBytes, randomUUID } from 'node:crypto';
import type { CreateSessionInput, RotateResult, SessionRecord, SessionStore, SessionStoreSettings } from '../core/ports/session-store.interface';
import { ManualClock } from './manual-clock';
import { SessionRevokedError } from '../core/errors/auth.errors';

/** Long lifetimes, so that only the tests about lifetimes see anything expire. */
export const CONTRACT_SETTINGS: SessionStoreSettings = {
  idleTtlMs: 60_000,
  absoluteTtlMs: 600_000,
  reuseWindowMs: 5_000,
  maxSessionsPerUser: 10,
};

/**
 * Builds a fresh store with the given settings, reading the time from `now` (epoch ms). Called once or more per
 * test; disposing is the caller's job.
 */
export type SessionStoreFactory = (settings: SessionStoreSettings, now: () => number) => SessionStore;

/** A refresh-secret hash in the form `TokenService` produces (SHA-256, base64url). */
export function newHash(): string {
  return randomBytes(32).toString('base64url');
}

/** A session id in the form `TokenService` produces (128 bits, base64url). */
export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

export function newUserId(tag = 'user'): string {
  return `${tag}-${randomUUID()}`;
}

/** User ids that break naive key building: hash-tag braces, unicode, prototype keys, glob and separator characters. */
export const ODD_USER_IDS = ['a}b{c', '{a}', '}{', 'ünïcødé-用户-🔑', '__proto__', 'constructor', 'a:b:*?[x]', 'with space', '.'];

/** What every store keeps of a user agent: at most this many UTF-8 bytes, cut on a character boundary. */
export const USER_AGENT_CAP_BYTES = 256;

/** The longest prefix of `text` (whole characters) within `maxBytes` UTF-8 bytes: the reference for the cap. */
function utf8Prefix(text: string, maxBytes: number): string {
  let prefix = '';
  for (const char of text) {
    if (Buffer.byteLength(prefix + char) > maxBytes) break;
    prefix += char;
  }
  return prefix;
}

/**
 * A user agent of exactly `bytes` UTF-8 bytes made of 2-, 3- and 4-byte characters (é, €, 😀), with up to
 * three ASCII characters first to make the length exact; which character comes first varies with the length,
 * so that over all lengths every kind of character falls across every byte offset.
 */
function multiByteUserAgent(bytes: number): string {
  const chars = ['é', '€', '😀'];
  let text = '';
  for (let i = bytes % 3; ; i++) {
    const next = chars[i % 3];
    if (Buffer.byteLength(text + next) > bytes) break;
    text += next;
  }
  return 'a'.repeat(bytes - Buffer.byteLength(text)) + text;
}

interface OpenSession {
  userId: string;
  sessionId: string;
  hash: string;
  record: SessionRecord;
}

async function open(store: SessionStore, userId = newUserId(), extra: Partial<CreateSessionInput> = {}): Promise<OpenSession> {
  const sessionId = newSessionId();
  const hash = newHash();
  const record = await store.create({ userId, sessionId, secretHash: hash, ...extra });
  return { userId, sessionId, hash, record };
}

function rotate(store: SessionStore, s: { userId: string; sessionId: string }, presentedHash: string, nextHash = newHash()): Promise<RotateResult> {
  return store.rotate({ userId: s.userId, sessionId: s.sessionId, presentedHash, nextHash });
}

/** Creates sessions one after another, 1 ms apart on `clock` (so "oldest first" is well defined). */
async function openInOrder(store: SessionStore, clock: ManualClock, userId: string, count: number): Promise<OpenSession[]> {
  const sessions: OpenSession[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) clock.advance(1);
    sessions.push(await open(store, userId));
  }
  return sessions;
}

/**
 * The behaviour every `SessionStore` must have (rotation, reuse detection, credential versions, expiry). Run it against each adapter so
 * that the memory and Redis stores cannot drift apart.
 *
 * @example
 * ```ts
 * describeSessionStoreContract('MemorySessionStore', (settings, now) => new MemorySessionStore(settings, now));
 * ```
 */
export function describeSessionStoreContract(name: string, makeStore: SessionStoreFactory): void {
  describe(`${name}: SessionStore contract`, () => {
    /** The time every store of the current test reads; tests advance it instead of sleeping. */
    let clock: ManualClock;
    beforeEach(() => {
      clock = new ManualClock();
    });
    const storeWith = (overrides: Partial<SessionStoreSettings> = {}): SessionStore =>
      makeStore({ ...CONTRACT_SETTINGS, ...overrides }, clock.now);

    describe('create, exists, list', () => {
      it('create returns the new record, and exists() sees it only under its own user', async () => {
        const store = storeWith();
        const s = await open(store, newUserId(), { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 test' });
        expect(s.record).toMatchObject({ id: s.sessionId, userId: s.userId, generation: 1, ip: '203.0.113.7', userAgent: 'Mozilla/5.0 test' });
        expect(s.record.createdAt).toBe(clock.now());
        expect(s.record.lastUsedAt).toBe(s.record.createdAt);
        expect(s.record.absoluteExpiresAt).toBe(s.record.createdAt + CONTRACT_SETTINGS.absoluteTtlMs);
        expect(s.record.expiresAt).toBe(s.record.createdAt + CONTRACT_SETTINGS.idleTtlMs);

        expect(await store.exists(s.userId, s.sessionId)).toBe(true);
        expect(await store.exists(s.userId, newSessionId())).toBe(false);
        expect(await store.exists(newUserId(), s.sessionId)).toBe(false);
      });

      it('list returns the live sessions oldest first, with createdAt, lastUsedAt, ip, userAgent and generation', async () => {
        const store = storeWith();
        const userId = newUserId();
        const created: SessionRecord[] = [];
        for (let i = 0; i < 3; i++) {
          if (i > 0) clock.advance(1);
          created.push(await store.create({ userId, sessionId: newSessionId(), secretHash: newHash(), ip: `198.51.100.${i}`, userAgent: `agent ${i}` }));
        }
        const otherUser = await open(store);

        const listed = await store.list(userId);
        expect(listed.map((s) => s.id)).toEqual(created.map((s) => s.id));
        listed.forEach((s, i) => {
          expect(s).toMatchObject({
            id: created[i].id,
            userId,
            createdAt: created[i].createdAt,
            lastUsedAt: created[i].createdAt,
            absoluteExpiresAt: created[i].absoluteExpiresAt,
            ip: `198.51.100.${i}`,
            userAgent: `agent ${i}`,
            generation: 1,
          });
          expect(s.expiresAt).toBeGreaterThan(clock.now());
          // A store may derive expiresAt from a TTL read back (Redis PTTL), so allow a few ms of drift.
          expect(Math.abs(s.expiresAt - created[i].expiresAt)).toBeLessThanOrEqual(25);
        });
        expect(listed.map((s) => s.id)).not.toContain(otherUser.sessionId);
      });

      it('ip and userAgent are optional', async () => {
        const store = storeWith();
        const s = await open(store);
        expect(s.record.ip).toBeUndefined();
        expect(s.record.userAgent).toBeUndefined();
        const [listed] = await store.list(s.userId);
        expect(listed.ip).toBeUndefined();
        expect(listed.userAgent).toBeUndefined();
      });

      it('a very long user agent is stored cut to at most 256 characters', async () => {
        const store = storeWith();
        const userAgent = `Mozilla/5.0 ${'x'.repeat(5000)}`;
        const s = await open(store, newUserId(), { userAgent });
        const [listed] = await store.list(s.userId);
        expect(listed.userAgent!.length).toBeLessThanOrEqual(256);
        expect(userAgent.startsWith(listed.userAgent!)).toBe(true);
        expect(s.record.userAgent).toBe(listed.userAgent);
      });

      it("a user agent of multi-byte characters round-trips exactly through create, rotate and list at every length from 1 to 300 bytes (sessionUserAgent: 'full' hands the header over as is); beyond 256 bytes it is cut on a character boundary", async () => {
        const store = storeWith();
        const mismatches: unknown[] = [];
        const check = (bytes: number, step: string, actual: string | undefined, expected: string) => {
          if (actual !== expected) mismatches.push({ bytes, step, actual, expected });
        };
        await Promise.all(
          Array.from({ length: 300 }, (_, i) => i + 1).map(async (bytes) => {
            const userAgent = multiByteUserAgent(bytes);
            expect(Buffer.byteLength(userAgent)).toBe(bytes);
            const expected = bytes <= USER_AGENT_CAP_BYTES ? userAgent : utf8Prefix(userAgent, USER_AGENT_CAP_BYTES);
            const s = await open(store, newUserId(), { ip: '198.51.100.7', userAgent });
            check(bytes, 'create', s.record.userAgent, expected);
            check(bytes, 'list after create', (await store.list(s.userId))[0]?.userAgent, expected);
            const rotated = await store.rotate({ userId: s.userId, sessionId: s.sessionId, presentedHash: s.hash, nextHash: newHash(), ip: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff' });
            check(bytes, 'rotate', rotated.status, 'rotated');
            const [listed] = await store.list(s.userId);
            check(bytes, 'list after rotate', listed?.userAgent, expected);
            check(bytes, 'ip after rotate', listed?.ip, '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff');
            check(bytes, 'generation after rotate', String(listed?.generation), '2');
          }),
        );
        expect(mismatches).toEqual([]);
        // The cap itself: 300 bytes come back as the longest whole-character prefix within 256 bytes.
        const cut = utf8Prefix(multiByteUserAgent(300), USER_AGENT_CAP_BYTES);
        expect(Buffer.byteLength(cut)).toBeGreaterThan(USER_AGENT_CAP_BYTES - 4);
        expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(USER_AGENT_CAP_BYTES);
      });

      it('list of a user without sessions is empty', async () => {
        expect(await storeWith().list(newUserId())).toEqual([]);
      });
    });

    describe('rotate', () => {
      it('presented == current rotates: generation bumps, the new hash rotates next, the old one does not', async () => {
        const store = storeWith();
        const s = await open(store);
        const h2 = newHash();
        expect(await rotate(store, s, s.hash, h2)).toEqual({
          status: 'rotated',
          session: {
            id: s.sessionId, userId: s.userId, generation: 2, createdAt: s.record.createdAt, absoluteExpiresAt: s.record.absoluteExpiresAt,
            amr: [], authTime: s.record.createdAt,
          },
        });
        const [afterFirst] = await store.list(s.userId);
        expect(afterFirst.generation).toBe(2);
        expect(afterFirst.lastUsedAt).toBeGreaterThanOrEqual(s.record.createdAt);

        const notInstalled = newHash();
        expect((await rotate(store, s, s.hash, notInstalled)).status).not.toBe('rotated');

        const h3 = newHash();
        const second = await rotate(store, s, h2, h3);
        expect(second).toMatchObject({ status: 'rotated', session: { generation: 3, createdAt: s.record.createdAt } });
        expect((await store.list(s.userId))[0].generation).toBe(3);
        expect((await rotate(store, s, h3)).status).toBe('rotated');
      });

      it('the immediately previous token within reuseWindowMs is superseded and the session survives', async () => {
        const store = storeWith();
        const s = await open(store);
        const h2 = newHash();
        expect((await rotate(store, s, s.hash, h2)).status).toBe('rotated');

        expect(await rotate(store, s, s.hash)).toEqual({ status: 'superseded' });
        expect(await rotate(store, s, s.hash)).toEqual({ status: 'superseded' });
        expect(await store.exists(s.userId, s.sessionId)).toBe(true);
        expect((await store.list(s.userId))[0].generation).toBe(2);
        expect((await rotate(store, s, h2)).status).toBe('rotated');
      });

      it('the previous token after reuseWindowMs is reuse: the session is deleted', async () => {
        const store = storeWith({ reuseWindowMs: 50 });
        const s = await open(store);
        const h2 = newHash();
        expect((await rotate(store, s, s.hash, h2)).status).toBe('rotated');
        clock.advance(49);
        expect(await rotate(store, s, s.hash)).toEqual({ status: 'superseded' });
        clock.advance(1);
        expect(await rotate(store, s, s.hash)).toEqual({ status: 'reused' });
        expect(await store.exists(s.userId, s.sessionId)).toBe(false);
        expect(await store.list(s.userId)).toEqual([]);
        expect(await rotate(store, s, h2)).toEqual({ status: 'invalid' });
      });

      it('a token two generations old is reuse even inside the window: the session is deleted', async () => {
        const store = storeWith();
        const s = await open(store);
        const h2 = newHash();
        const h3 = newHash();
        expect((await rotate(store, s, s.hash, h2)).status).toBe('rotated');
        expect((await rotate(store, s, h2, h3)).status).toBe('rotated');
        expect(await rotate(store, s, s.hash)).toEqual({ status: 'reused' });
        expect(await store.exists(s.userId, s.sessionId)).toBe(false);
        expect(await rotate(store, s, h3)).toEqual({ status: 'invalid' });
      });

      it('a hash never issued for an existing session is reuse: the session is deleted', async () => {
        const store = storeWith();
        const s = await open(store);
        expect(await rotate(store, s, newHash())).toEqual({ status: 'reused' });
        expect(await store.exists(s.userId, s.sessionId)).toBe(false);
      });

      it('reuse deletes only the affected session', async () => {
        const store = storeWith();
        const userId = newUserId();
        const [victim, sibling] = await openInOrder(store, clock, userId, 2);
        expect(await rotate(store, victim, newHash())).toEqual({ status: 'reused' });
        expect((await store.list(userId)).map((s) => s.id)).toEqual([sibling.sessionId]);
        expect((await rotate(store, sibling, sibling.hash)).status).toBe('rotated');
      });

      it('an unknown session is invalid, and so is a real session id presented under another user', async () => {
        const store = storeWith();
        expect(await store.rotate({ userId: newUserId(), sessionId: newSessionId(), presentedHash: newHash(), nextHash: newHash() })).toEqual({
          status: 'invalid',
        });
        const s = await open(store);
        expect(await rotate(store, { userId: s.userId, sessionId: newSessionId() }, s.hash)).toEqual({ status: 'invalid' });
        expect(await rotate(store, { userId: newUserId(), sessionId: s.sessionId }, s.hash)).toEqual({ status: 'invalid' });
        expect(await store.exists(s.userId, s.sessionId)).toBe(true);
        expect((await rotate(store, s, s.hash)).status).toBe('rotated');
      });

      it('20 concurrent rotations with one token: exactly one rotated, the others superseded, the session alive', async () => {
        const store = storeWith();
        const s = await open(store);
        const nextHashes = Array.from({ length: 20 }, () => newHash());
        const results = await Promise.all(nextHashes.map((next) => rotate(store, s, s.hash, next)));

        const statuses = results.map((r) => r.status);
        expect(statuses.filter((x) => x === 'rotated')).toHaveLength(1);
        expect(statuses.filter((x) => x === 'superseded')).toHaveLength(19);
        expect(await store.exists(s.userId, s.sessionId)).toBe(true);
        expect((await store.list(s.userId))[0].generation).toBe(2);

        const winner = nextHashes[statuses.indexOf('rotated')];
        expect(await rotate(store, s, winner)).toMatchObject({ status: 'rotated', session: { generation: 3 } });
      });
    });

    describe('rotate: duplicates of one request (the next hash is derived from the presented token)', () => {
      it('the previous token again within reuseWindowMs with the same next hash: duplicate, with the session; nothing changes', async () => {
        const store = storeWith();
        const s = await open(store);
        const h2 = newHash();
        expect((await rotate(store, s, s.hash, h2)).status).toBe('rotated');
        clock.advance(1);
        const duplicate = await rotate(store, s, s.hash, h2);
        expect(duplicate).toEqual({
          status: 'duplicate',
          session: {
            id: s.sessionId, userId: s.userId, generation: 2, createdAt: s.record.createdAt, absoluteExpiresAt: s.record.absoluteExpiresAt,
            amr: [], authTime: s.record.createdAt,
          },
        });
        expect(await rotate(store, s, s.hash, h2)).toEqual(duplicate);
        const [listed] = await store.list(s.userId);
        expect(listed.generation).toBe(2);
        expect(listed.lastUsedAt).toBe(s.record.createdAt); // a duplicate is not a use
        // The token the duplicates were answered with is the current one.
        expect((await rotate(store, s, h2)).status).toBe('rotated');
      });

      it('with another next hash it is superseded (the current token was not derived from this one)', async () => {
        const store = storeWith();
        const s = await open(store);
        expect((await rotate(store, s, s.hash, newHash())).status).toBe('rotated');
        expect(await rotate(store, s, s.hash, newHash())).toEqual({ status: 'superseded' });
        expect(await store.exists(s.userId, s.sessionId)).toBe(true);
      });

      it('after reuseWindowMs, the duplicate is reuse: the session is deleted', async () => {
        const store = storeWith({ reuseWindowMs: 50 });
        const s = await open(store);
        const h2 = newHash();
        expect((await rotate(store, s, s.hash, h2)).status).toBe('rotated');
        clock.advance(49);
        expect((await rotate(store, s, s.hash, h2)).status).toBe('duplicate');
        clock.advance(1);
        expect(await rotate(store, s, s.hash, h2)).toEqual({ status: 'reused' });
        expect(await store.exists(s.userId, s.sessionId)).toBe(false);
        expect(await rotate(store, s, h2)).toEqual({ status: 'invalid' });
      });

      it('once the next token has been used, the first one is reuse even inside the window', async () => {
        const store = storeWith();
        const s = await open(store);
        const [h2, h3] = [newHash(), newHash()];
        expect((await rotate(store, s, s.hash, h2)).status).toBe('rotated');
        expect((await rotate(store, s, h2, h3)).status).toBe('rotated');
        expect(await rotate(store, s, s.hash, h2)).toEqual({ status: 'reused' });
        expect(await store.exists(s.userId, s.sessionId)).toBe(false);
      });

      it('20 concurrent rotations of one token with its derived next hash: one rotated, 19 duplicate, one generation step, the session alive', async () => {
        const store = storeWith();
        const s = await open(store);
        const next = newHash();
        const results = await Promise.all(Array.from({ length: 20 }, () => rotate(store, s, s.hash, next)));
        const statuses = results.map((r) => r.status);
        expect(statuses.filter((x) => x === 'rotated')).toHaveLength(1);
        expect(statuses.filter((x) => x === 'duplicate')).toHaveLength(19);
        for (const r of results) expect(r).toMatchObject({ session: { id: s.sessionId, generation: 2 } });
        expect((await store.list(s.userId))[0].generation).toBe(2);
        expect(await rotate(store, s, next)).toMatchObject({ status: 'rotated', session: { generation: 3 } });
      });
    });

    describe('rotate: a retry after a lost answer (retryGraceMs: the new token never used)', () => {
      const graced = () => storeWith({ reuseWindowMs: 50, retryGraceMs: 1_000 });

      it('after reuseWindowMs and within retryGraceMs, the previous token with the same next hash is a late duplicate; nothing changes', async () => {
        const store = graced();
        const s = await open(store);
        const h2 = newHash();
        expect((await rotate(store, s, s.hash, h2)).status).toBe('rotated');
        clock.advance(50);
        const late = await rotate(store, s, s.hash, h2);
        expect(late).toEqual({
          status: 'duplicate',
          late: true,
          session: {
            id: s.sessionId, userId: s.userId, generation: 2, createdAt: s.record.createdAt, absoluteExpiresAt: s.record.absoluteExpiresAt,
            amr: [], authTime: s.record.createdAt,
          },
        });
        clock.advance(949);
        expect(await rotate(store, s, s.hash, h2)).toEqual(late); // the answer can be lost again: still the same
        const [listed] = await store.list(s.userId);
        expect(listed).toMatchObject({ generation: 2, lastUsedAt: s.record.createdAt });
        expect((await rotate(store, s, h2)).status).toBe('rotated');
      });

      it('within reuseWindowMs a duplicate is not late', async () => {
        const store = graced();
        const s = await open(store);
        const h2 = newHash();
        expect((await rotate(store, s, s.hash, h2)).status).toBe('rotated');
        clock.advance(49);
        expect(await rotate(store, s, s.hash, h2)).not.toHaveProperty('late');
      });

      it('the grace counts from the rotation: at retryGraceMs the previous token is reuse, the session deleted', async () => {
        const store = graced();
        const s = await open(store);
        const h2 = newHash();
        expect((await rotate(store, s, s.hash, h2)).status).toBe('rotated');
        clock.advance(500);
        expect((await rotate(store, s, s.hash, h2)).status).toBe('duplicate');
        clock.advance(500);
        expect(await rotate(store, s, s.hash, h2)).toEqual({ status: 'reused' });
        expect(await store.exists(s.userId, s.sessionId)).toBe(false);
      });

      it('after the window, another next hash is reuse even within the grace (not the same request)', async () => {
        const store = graced();
        const s = await open(store);
        expect((await rotate(store, s, s.hash, newHash())).status).toBe('rotated');
        clock.advance(100);
        expect(await rotate(store, s, s.hash, newHash())).toEqual({ status: 'reused' });
        expect(await store.exists(s.userId, s.sessionId)).toBe(false);
      });

      it('once the new token has been used (the rotation acknowledged), the previous one is reuse within the grace', async () => {
        const store = graced();
        const s = await open(store);
        const [h2, h3] = [newHash(), newHash()];
        expect((await rotate(store, s, s.hash, h2)).status).toBe('rotated');
        clock.advance(100);
        expect((await rotate(store, s, h2, h3)).status).toBe('rotated');
        clock.advance(100);
        expect(await rotate(store, s, s.hash, h2)).toEqual({ status: 'reused' });
        expect(await store.exists(s.userId, s.sessionId)).toBe(false);
      });
    });

    describe('amr and authTime (how and when the user signed in)', () => {
      it('a session records its amr and authTime (default: [] and its creation time); create and list answer them', async () => {
        const store = storeWith();
        const plain = await open(store);
        expect(plain.record).toMatchObject({ amr: [], authTime: plain.record.createdAt });
        const userId = newUserId();
        const pwd = await open(store, userId, { amr: ['pwd'] });
        clock.advance(10);
        const earlier = clock.now() - 90_000;
        const oauth = await open(store, userId, { amr: ['oauth', 'mfa'], authTime: earlier });
        expect(pwd.record).toMatchObject({ amr: ['pwd'], authTime: pwd.record.createdAt });
        expect(oauth.record).toMatchObject({ amr: ['oauth', 'mfa'], authTime: earlier });
        const listed = await store.list(userId);
        expect(listed.map((r) => [r.id, r.amr, r.authTime])).toEqual([
          [pwd.sessionId, ['pwd'], pwd.record.createdAt],
          [oauth.sessionId, ['oauth', 'mfa'], earlier],
        ]);
      });

      it('rotations (rotated and duplicate) answer the amr and authTime and keep them, as does carrying a kept session to a new credential version', async () => {
        const store = storeWith();
        const authTime = clock.now() - 3_600_000;
        const s = await open(store, newUserId(), { amr: ['pwd', 'otp'], authTime, credentialVersion: 1 });
        clock.advance(1_000);
        const h2 = newHash();
        expect(await rotate(store, s, s.hash, h2)).toMatchObject({ status: 'rotated', session: { amr: ['pwd', 'otp'], authTime } });
        clock.advance(1);
        expect(await rotate(store, s, s.hash, h2)).toMatchObject({ status: 'duplicate', session: { amr: ['pwd', 'otp'], authTime } });
        expect(await store.revokeAll(s.userId, { credentialVersion: 2, keep: { sessionId: s.sessionId } })).toBe(0);
        clock.advance(1_000);
        const h3 = newHash();
        expect(await rotate(store, s, h2, h3)).toMatchObject({ status: 'rotated', session: { generation: 3, amr: ['pwd', 'otp'], authTime } });
        const [listed] = await store.list(s.userId);
        expect(listed).toMatchObject({ generation: 3, credentialVersion: 2, amr: ['pwd', 'otp'], authTime, createdAt: s.record.createdAt });
      });

      it('amr keeps the known values only (AMR_VALUES), each once, at most four; authTime is kept to the second', async () => {
        const store = storeWith();
        const s = await open(store, newUserId(), { amr: ['pwd', 'no-such-method', 'pwd', 'otp', 'mfa', 'hwk', 'swk'], authTime: clock.now() + 1_400 });
        expect(s.record.amr).toEqual(['pwd', 'otp', 'mfa', 'hwk']);
        expect(s.record.authTime).toBe(s.record.createdAt + 1_000);
        expect((await store.list(s.userId))[0]).toMatchObject({ amr: ['pwd', 'otp', 'mfa', 'hwk'], authTime: s.record.createdAt + 1_000 });
      });
    });

    describe('reauthenticate (step-up)', () => {
      it('gives the same session a fresh authTime and the proof\'s amr; the refresh token, generation and lifetimes stay; rotations carry them', async () => {
        const store = storeWith();
        const s = await open(store, newUserId(), { amr: ['pwd'] });
        clock.advance(30_400);
        expect(await store.reauthenticate({ userId: s.userId, sessionId: s.sessionId, amr: ['otp', 'mfa'] }))
          .toEqual({ amr: ['pwd', 'otp', 'mfa'], authTime: s.record.createdAt + 30_000 });
        const [listed] = await store.list(s.userId);
        expect(listed).toMatchObject({ id: s.sessionId, generation: 1, amr: ['pwd', 'otp', 'mfa'], authTime: s.record.createdAt + 30_000, lastUsedAt: s.record.createdAt });
        const h2 = newHash();
        expect(await rotate(store, s, s.hash, h2)).toMatchObject({ status: 'rotated', session: { generation: 2, amr: ['pwd', 'otp', 'mfa'], authTime: s.record.createdAt + 30_000 } });
        clock.advance(1);
        expect(await rotate(store, s, s.hash, h2)).toMatchObject({ status: 'duplicate', session: { amr: ['pwd', 'otp', 'mfa'], authTime: s.record.createdAt + 30_000 } });
        clock.advance(10_000);
        expect(await store.reauthenticate({ userId: s.userId, sessionId: s.sessionId, amr: ['pwd'] }))
          .toEqual({ amr: ['otp', 'mfa', 'pwd'], authTime: s.record.createdAt + 40_000 });
        expect(await rotate(store, s, h2)).toMatchObject({ status: 'rotated', session: { generation: 3, amr: ['otp', 'mfa', 'pwd'], authTime: s.record.createdAt + 40_000 } });
      });

      it('amr: each value once, the proof\'s last, the oldest others dropped beyond four; unknown values ignored', async () => {
        const store = storeWith();
        const s = await open(store, newUserId(), { amr: ['pwd', 'otp', 'mfa', 'hwk'] });
        expect((await store.reauthenticate({ userId: s.userId, sessionId: s.sessionId, amr: ['swk', 'no-such-method'] }))?.amr).toEqual(['otp', 'mfa', 'hwk', 'swk']);
        const none = await open(store, newUserId());
        expect((await store.reauthenticate({ userId: none.userId, sessionId: none.sessionId, amr: ['pwd'] }))?.amr).toEqual(['pwd']);
      });

      it('only touches that session; null for an unknown, revoked or expired session, or another user\'s', async () => {
        const store = storeWith({ idleTtlMs: 10_000 });
        const userId = newUserId();
        const [a, b] = await openInOrder(store, clock, userId, 2);
        clock.advance(2_000);
        expect(await store.reauthenticate({ userId, sessionId: a.sessionId, amr: ['pwd'] })).not.toBeNull();
        expect((await store.list(userId)).find((r) => r.id === b.sessionId)).toMatchObject({ amr: [], authTime: b.record.createdAt });
        expect(await store.reauthenticate({ userId: newUserId(), sessionId: a.sessionId, amr: ['pwd'] })).toBeNull();
        expect(await store.reauthenticate({ userId, sessionId: newSessionId(), amr: ['pwd'] })).toBeNull();
        expect(await store.revoke(userId, b.sessionId)).toBe(true);
        expect(await store.reauthenticate({ userId, sessionId: b.sessionId, amr: ['pwd'] })).toBeNull();
        clock.advance(10_000);
        expect(await store.reauthenticate({ userId, sessionId: a.sessionId, amr: ['pwd'] })).toBeNull();
        expect(await store.list(userId)).toEqual([]);
      });

      it('a session kept by revokeAll keeps its step-up; a new session of the same user starts from its own sign-in', async () => {
        const store = storeWith();
        const s = await open(store, newUserId(), { amr: ['oauth'], credentialVersion: 1 });
        clock.advance(5_000);
        await store.reauthenticate({ userId: s.userId, sessionId: s.sessionId, amr: ['otp', 'mfa'] });
        expect(await store.revokeAll(s.userId, { credentialVersion: 2, keep: { sessionId: s.sessionId } })).toBe(0);
        const other = await open(store, s.userId, { amr: ['pwd'], credentialVersion: 2 });
        const listed = await store.list(s.userId);
        expect(listed.map((r) => [r.id, r.amr, r.authTime])).toEqual([
          [s.sessionId, ['oauth', 'otp', 'mfa'], s.record.createdAt + 5_000],
          [other.sessionId, ['pwd'], other.record.createdAt],
        ]);
      });
    });

    describe('lifetimes', () => {
      it('a session idle for longer than idleTtlMs disappears', async () => {
        const store = storeWith({ idleTtlMs: 10_000 });
        const s = await open(store);
        clock.advance(9_999);
        expect(await store.exists(s.userId, s.sessionId)).toBe(true);
        clock.advance(1);
        expect(await store.exists(s.userId, s.sessionId)).toBe(false);
        expect(await store.list(s.userId)).toEqual([]);
        expect(await rotate(store, s, s.hash)).toEqual({ status: 'invalid' });
      });

      it('rotation slides the idle lifetime', async () => {
        const store = storeWith({ idleTtlMs: 60_000 });
        const s = await open(store);
        clock.advance(35_000);
        const h2 = newHash();
        expect((await rotate(store, s, s.hash, h2)).status).toBe('rotated');
        clock.advance(35_000);
        expect(await store.exists(s.userId, s.sessionId)).toBe(true);
        expect((await store.list(s.userId))[0]).toMatchObject({ lastUsedAt: s.record.createdAt + 35_000, expiresAt: s.record.createdAt + 95_000 });
        expect((await rotate(store, s, h2)).status).toBe('rotated');
      });

      it('rotation never extends a session beyond absoluteTtlMs; after it, rotation is invalid', async () => {
        const store = storeWith({ idleTtlMs: 60_000, absoluteTtlMs: 30_000 });
        const s = await open(store);
        expect(s.record.expiresAt).toBe(s.record.absoluteExpiresAt);
        clock.advance(10_000);
        const h2 = newHash();
        expect(await rotate(store, s, s.hash, h2)).toMatchObject({
          status: 'rotated',
          session: { absoluteExpiresAt: s.record.absoluteExpiresAt },
        });
        const [listed] = await store.list(s.userId);
        expect(listed.absoluteExpiresAt).toBe(s.record.absoluteExpiresAt);
        expect(listed.expiresAt).toBe(s.record.absoluteExpiresAt);

        clock.advance(20_000);
        expect(await rotate(store, s, h2)).toEqual({ status: 'invalid' });
        expect(await store.exists(s.userId, s.sessionId)).toBe(false);
      });
    });

    describe('maxSessionsPerUser', () => {
      it('creating beyond the limit evicts the oldest sessions of that user only', async () => {
        const store = storeWith({ maxSessionsPerUser: 3 });
        const bystander = await openInOrder(store, clock, newUserId('bystander'), 2);
        const userId = newUserId();
        const sessions = await openInOrder(store, clock, userId, 5);

        expect((await store.list(userId)).map((s) => s.id)).toEqual(sessions.slice(2).map((s) => s.sessionId));
        for (const evicted of sessions.slice(0, 2)) {
          expect(await store.exists(userId, evicted.sessionId)).toBe(false);
          expect(await rotate(store, evicted, evicted.hash)).toEqual({ status: 'invalid' });
        }
        for (const kept of sessions.slice(2)) expect(await store.exists(userId, kept.sessionId)).toBe(true);
        expect((await store.list(bystander[0].userId)).map((s) => s.id)).toEqual(bystander.map((s) => s.sessionId));
      });
    });

    describe('revoke and revokeAll', () => {
      it('revoke returns true for an existing session, false afterwards, and leaves the others', async () => {
        const store = storeWith();
        const userId = newUserId();
        const [a, b] = await openInOrder(store, clock, userId, 2);
        expect(await store.revoke(userId, a.sessionId)).toBe(true);
        expect(await store.exists(userId, a.sessionId)).toBe(false);
        expect(await rotate(store, a, a.hash)).toEqual({ status: 'invalid' });
        expect(await store.revoke(userId, a.sessionId)).toBe(false);
        expect(await store.revoke(userId, newSessionId())).toBe(false);
        expect((await store.list(userId)).map((s) => s.id)).toEqual([b.sessionId]);
      });

      it("revoking another user's session id returns false and leaves that session intact", async () => {
        const store = storeWith();
        const victim = await open(store);
        const attacker = await open(store);
        expect(await store.revoke(attacker.userId, victim.sessionId)).toBe(false);
        expect(await store.exists(victim.userId, victim.sessionId)).toBe(true);
        expect((await store.list(victim.userId)).map((s) => s.id)).toEqual([victim.sessionId]);
        expect((await rotate(store, victim, victim.hash)).status).toBe('rotated');
      });

      it("revokeAll returns the count and removes every session of that user, and nobody else's", async () => {
        const store = storeWith();
        const userId = newUserId();
        const sessions = await openInOrder(store, clock, userId, 3);
        const other = await open(store);
        expect(await store.revokeAll(userId)).toBe(3);
        expect(await store.list(userId)).toEqual([]);
        for (const s of sessions) {
          expect(await store.exists(userId, s.sessionId)).toBe(false);
          expect(await rotate(store, s, s.hash)).toEqual({ status: 'invalid' });
        }
        expect(await store.revokeAll(userId)).toBe(0);
        expect(await store.exists(other.userId, other.sessionId)).toBe(true);
      });

      it('revokeAll of a user without sessions returns 0', async () => {
        expect(await storeWith().revokeAll(newUserId())).toBe(0);
      });
    });

    describe('credential versions', () => {
      const openAt = (store: SessionStore, userId: string, credentialVersion: number) => open(store, userId, { credentialVersion });

      it('a session records the version it was created under (create, list); the default is 0', async () => {
        const store = storeWith();
        const userId = newUserId();
        const a = await openAt(store, userId, 3);
        clock.advance(1);
        const b = await open(store, userId);
        expect(a.record.credentialVersion).toBe(3);
        expect(b.record.credentialVersion).toBe(0);
        expect((await store.list(userId)).map((s) => s.credentialVersion)).toEqual([3, 0]);
      });

      it("rotate with the user's newer version: stale, the session is deleted (whatever token is presented)", async () => {
        const store = storeWith();
        const s = await openAt(store, newUserId(), 1);
        const other = await openAt(store, s.userId, 2);
        expect(await store.rotate({ userId: s.userId, sessionId: s.sessionId, presentedHash: s.hash, nextHash: newHash(), credentialVersion: 2 }))
          .toEqual({ status: 'stale' });
        expect(await store.exists(s.userId, s.sessionId)).toBe(false);
        expect(await rotate(store, s, s.hash)).toEqual({ status: 'invalid' });
        // A session of the current version rotates.
        expect((await store.rotate({ userId: s.userId, sessionId: other.sessionId, presentedHash: other.hash, nextHash: newHash(), credentialVersion: 2 })).status)
          .toBe('rotated');
      });

      it('revokeAll with a version deletes every session, and no session of an older version can be created afterwards', async () => {
        const store = storeWith();
        const userId = newUserId();
        await openAt(store, userId, 0);
        await openAt(store, userId, 0);
        expect(await store.revokeAll(userId, { credentialVersion: 1 })).toBe(2);
        expect(await store.list(userId)).toEqual([]);
        // A login that read the user before the change and creates its session after it.
        const sessionId = newSessionId();
        await expect(store.create({ userId, sessionId, secretHash: newHash(), credentialVersion: 0 })).rejects.toBeInstanceOf(SessionRevokedError);
        expect(await store.exists(userId, sessionId)).toBe(false);
        expect(await store.list(userId)).toEqual([]);
        // Logins under the new version work.
        const fresh = await openAt(store, userId, 1);
        expect(await store.exists(userId, fresh.sessionId)).toBe(true);
        // The floor outlives a later revokeAll without a version (logout-all) and does not go down.
        await store.revokeAll(userId);
        await store.revokeAll(userId, { credentialVersion: 0 });
        await expect(openAt(store, userId, 0)).rejects.toBeInstanceOf(SessionRevokedError);
        // ...and it is checked by rotate too, whatever version the caller read.
        const current = await openAt(store, userId, 5);
        await store.revokeAll(userId, { credentialVersion: 6, keep: 'all' });
        expect((await rotate(store, current, current.hash)).status).toBe('rotated');
      });

      it("revokeAll keeping one session carries it to the new version; 'all' keeps every session", async () => {
        const store = storeWith();
        const userId = newUserId();
        const mine = await openAt(store, userId, 0);
        const theirs = await openAt(store, userId, 0);
        expect(await store.revokeAll(userId, { credentialVersion: 1, keep: { sessionId: mine.sessionId } })).toBe(1);
        expect((await store.list(userId)).map((s) => [s.id, s.credentialVersion])).toEqual([[mine.sessionId, 1]]);
        expect(await store.exists(userId, theirs.sessionId)).toBe(false);
        expect((await store.rotate({ userId, sessionId: mine.sessionId, presentedHash: mine.hash, nextHash: newHash(), credentialVersion: 1 })).status)
          .toBe('rotated');

        const other = newUserId();
        const a = await openAt(store, other, 0);
        clock.advance(1);
        const b = await openAt(store, other, 0);
        expect(await store.revokeAll(other, { credentialVersion: 1, keep: 'all' })).toBe(0);
        expect((await store.list(other)).map((s) => [s.id, s.credentialVersion])).toEqual([[a.sessionId, 1], [b.sessionId, 1]]);
        await expect(openAt(store, other, 0)).rejects.toBeInstanceOf(SessionRevokedError);
      });

      it('the floor of one user does not affect another', async () => {
        const store = storeWith();
        const userId = newUserId();
        await store.revokeAll(userId, { credentialVersion: 7 });
        const other = await openAt(store, `${userId}x`, 0);
        expect(await store.exists(other.userId, other.sessionId)).toBe(true);
      });

      it('a login racing the change loses in either order: 20 creates of the old version concurrent with revokeAll leave none alive', async () => {
        const store = storeWith();
        const userId = newUserId();
        const creates = Array.from({ length: 20 }, (_, i) =>
          store.create({ userId, sessionId: newSessionId(), secretHash: newHash(), credentialVersion: 0 }).catch((e: unknown) => e),
        );
        const revoke = store.revokeAll(userId, { credentialVersion: 1 });
        const results = await Promise.all([...creates, revoke]);
        expect(await store.list(userId)).toEqual([]);
        for (const r of results.slice(0, 20)) if (r instanceof Error) expect(r).toBeInstanceOf(SessionRevokedError);
      });
    });

    describe('user ids with odd characters', () => {
      it('every operation works, and users stay apart (including ids that are prefixes of each other)', async () => {
        const store = storeWith();
        const ids = [...ODD_USER_IDS, 'a', 'a}b'];
        const byUser = new Map<string, OpenSession[]>();
        for (const userId of ids) byUser.set(userId, await openInOrder(store, clock, userId, 2));

        for (const userId of ids) {
          const [first, second] = byUser.get(userId)!;
          const listed = await store.list(userId);
          expect(listed.map((s) => s.id)).toEqual([first.sessionId, second.sessionId]);
          expect(listed.every((s) => s.userId === userId)).toBe(true);
          expect(await store.exists(userId, first.sessionId)).toBe(true);
          expect(await rotate(store, first, first.hash)).toMatchObject({ status: 'rotated', session: { userId, generation: 2 } });
        }
        for (const userId of ids) {
          const [first, second] = byUser.get(userId)!;
          expect(await store.revoke(userId, first.sessionId)).toBe(true);
          expect(await store.revokeAll(userId)).toBe(1);
          expect(await store.exists(userId, second.sessionId)).toBe(false);
        }
        for (const userId of ids) expect(await store.list(userId)).toEqual([]);
      });

      it('revoking everything of one odd id leaves a look-alike id untouched', async () => {
        const store = storeWith();
        const [tricky] = await openInOrder(store, clock, 'a}b{c', 1);
        const lookAlike = await open(store, 'a}b');
        expect(await store.revokeAll('a}b{c')).toBe(1);
        expect(await store.exists(tricky.userId, tricky.sessionId)).toBe(false);
        expect(await store.exists('a}b', lookAlike.sessionId)).toBe(true);
      });
    });
  });
}

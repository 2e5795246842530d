import { JwtService } from '@nestjs/jwt';
import { Argon2PasswordHasher, IdentityResolver, RedisSessionStore, RedisUserStore, type StoredUser, TokenService, type TokenPair } from '../../lib';
import { resolveAuthOptions, type ResolvedAuthOptions } from '../../lib/auth.options';
import { jwtConstants } from '../app/docs-recipe/constants';
import { type RedisClient } from '../../lib/adapters/redis/redis.options';
import { sessionStoreSettings } from '../../lib/core/sessions/session.options';
import { SessionIssuer } from '../../lib/core/sign-in/session-issuer';

/** A realistic browser user agent, stored on every session the bench creates. */
export const USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
export const CLIENT_IP = '203.0.113.7';
/** The password of every bench user that signs in. */
export const PASSWORD = 'correct horse battery staple';
const MAX_SESSIONS_PER_USER = 10;

/**
 * Test data made through the library's own services, on the same Redis and with the same options as the
 * bench apps: users (argon2id passwords), sessions (`SessionIssuer`, as a password sign-in makes them), and the docs recipe's
 * tokens (`@nestjs/jwt` `JwtService`, string secret).
 */
export class Fixtures {
  readonly options: ResolvedAuthOptions;
  readonly tokens: TokenService;
  readonly sessions: RedisSessionStore;
  readonly users: RedisUserStore;
  readonly identity: IdentityResolver;
  readonly issuer: SessionIssuer;
  private readonly recipeJwt = new JwtService({ secret: jwtConstants.secret });

  constructor(readonly redis: RedisClient, jwtSecret: string) {
    this.options = resolveAuthOptions({ jwt: { secret: jwtSecret }, redis: { client: redis } });
    this.tokens = new TokenService(this.options.jwt);
    this.sessions = new RedisSessionStore(redis, sessionStoreSettings(this.options.sessions));
    this.users = new RedisUserStore(redis);
    this.identity = new IdentityResolver(this.users, this.users, new Argon2PasswordHasher(this.options.identity.passwordHashing), this.options.identity);
    this.issuer = new SessionIssuer(this.tokens, this.sessions, this.options.sessions, this.options.account);
  }

  createUser(email: string, password: string, roles: string[]): Promise<StoredUser> {
    return this.identity.createUser({ email, password, roles, emailVerified: true });
  }

  async startSession(user: StoredUser): Promise<TokenPair> {
    return (await this.issuer.issue(user, { amr: ['pwd'] }, { ip: CLIENT_IP, userAgent: USER_AGENT })).tokens;
  }

  /** `count` sessions spread over password-less users (at most `maxSessionsPerUser` each, so none is evicted). */
  async sessionPool(count: number, tag: string): Promise<TokenPair[]> {
    const perUser = Math.min(MAX_SESSIONS_PER_USER, this.options.sessions.maxSessionsPerUser);
    const pairs: TokenPair[] = [];
    for (let start = 0; start < count; start += perUser * 100) {
      const batch = [];
      for (let u = start; u < Math.min(count, start + perUser * 100); u += perUser) {
        batch.push(
          (async () => {
            const user = await this.users.create({ email: `${tag}-${u}@bench.test`, passwordHash: null, roles: ['user'], emailVerified: true });
            const made = [];
            for (let s = 0; s < Math.min(perUser, count - u); s++) made.push(await this.startSession(user));
            return made;
          })(),
        );
      }
      for (const made of await Promise.all(batch)) pairs.push(...made);
    }
    return pairs;
  }

  /** An access token as the docs recipe issues it (`JwtService.sign({ username, sub })`, string secret). */
  recipeToken(user: StoredUser): string {
    return this.recipeJwt.sign({ username: user.email, sub: user.id }, { expiresIn: '1h' });
  }
}

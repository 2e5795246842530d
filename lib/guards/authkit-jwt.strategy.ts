import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, type SecretOrKeyProvider, Strategy } from 'passport-jwt';
import { AUTHKIT_JWT_STRATEGY } from '../auth.constants';
import { AccessTokenInvalidError, AuthError, SessionRevokedError } from '../auth.errors';
import type { AuthenticatedUser } from '../auth.types';
import { toHttpException } from './auth-http-status';
import { type ResolvedSessionOptions, SESSION_OPTIONS } from '../sessions/session.options';
import { SessionStore } from '../sessions/session-store.interface';
import { JWT_OPTIONS, type ResolvedJwtOptions } from '../tokens/jwt.options';
import { TokenService } from '../tokens/token.service';

/** Algorithms jsonwebtoken (under passport-jwt) can verify; it has no EdDSA. */
const PASSPORT_JWT_ALGORITHMS = new Set(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512']);

/**
 * The library's access tokens as a passport strategy named `'authkit-jwt'` (`AUTHKIT_JWT_STRATEGY`),
 * for apps that compose `AuthGuard()` from `@nestjs/passport`. `AuthModule` registers it. It verifies
 * with the library's own `KeyObject`s (picked by `kid`, `typ` and `alg` as `TokenService` does), the
 * configured issuer, audience and clock tolerance, and, in the default `'session'` mode, checks the
 * session still exists, exactly like `AccessTokenGuard`. Failures are 401 (503 when the store is down).
 *
 * `AccessTokenGuard` (the default global guard) is faster: it verifies in place, without passport.
 * EdDSA keys are not supported here (jsonwebtoken cannot verify them); use `AccessTokenGuard`.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ jwt: { secret }, redis: { url } , globalGuards: false });
 *
 * @UseGuards(AuthGuard(AUTHKIT_JWT_STRATEGY))
 * @Get('profile')
 * profile(@CurrentUser() user: AuthenticatedUser) { return user; }
 * ```
 */
@Injectable()
export class AuthkitJwtStrategy extends PassportStrategy(Strategy, AUTHKIT_JWT_STRATEGY) {
  constructor(
    tokens: TokenService,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    @Inject(JWT_OPTIONS) jwt: ResolvedJwtOptions,
  ) {
    const algorithms = [jwt.algorithm, ...(jwt.verificationKeys ?? []).map((k) => k.algorithm)]
      .filter((alg, i, all) => PASSPORT_JWT_ALGORITHMS.has(alg) && all.indexOf(alg) === i);
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: ((_request, rawJwtToken: string, done) => {
        try {
          // jsonwebtoken takes KeyObjects (created once: no per-call PEM parsing); the typings predate that.
          done(null, tokens.verificationKeyFor(rawJwtToken).key as unknown as Buffer);
        } catch (error) {
          done(error);
        }
      }) satisfies SecretOrKeyProvider,
      // An empty list would let jsonwebtoken choose by key type; a name that matches nothing refuses all.
      algorithms: (algorithms.length ? algorithms : ['none-accepted']) as never,
      issuer: jwt.issuer,
      audience: jwt.audience,
      jsonWebTokenOptions: { clockTolerance: jwt.clockToleranceSeconds },
    });
  }

  /** Called by passport with the verified payload: requires `sub`, `sid` and `exp`, then checks the session. */
  async validate(payload: Record<string, unknown>): Promise<AuthenticatedUser> {
    try {
      const { sub, sid, exp, roles } = payload;
      if (typeof sub !== 'string' || !sub || typeof sid !== 'string' || !sid || typeof exp !== 'number') {
        throw new AccessTokenInvalidError();
      }
      if (this.options.accessTokenValidation === 'session' && !(await this.sessions.exists(sub, sid))) {
        throw new SessionRevokedError();
      }
      return { id: sub, sessionId: sid, roles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [] };
    } catch (error) {
      throw error instanceof AuthError ? toHttpException(error) : error;
    }
  }
}

import { appClaimsOf } from '../tokens/app-claims';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, type SecretOrKeyProvider, Strategy } from 'passport-jwt';
import { AUTHKIT_JWT_STRATEGY } from '../auth.constants';
import { AccessTokenInvalidError, AuthError, SessionRevokedError } from '../errors/auth.errors';
import type { AuthenticatedUser } from '../auth.types';
import { toHttpException } from '../errors/auth-http-status';
import { type ResolvedSessionOptions, SESSION_OPTIONS } from '../sessions/session.options';
import { SessionStore } from '../ports/session-store.interface';
import { JWT_OPTIONS, type ResolvedJwtOptions } from '../tokens/jwt.options';
import { TokenService } from '../tokens/token.service';

/**
 * The library's access tokens as a passport strategy named `'authkit-jwt'` (`AUTHKIT_JWT_STRATEGY`),
 * for apps that compose `AuthGuard()` from `@nestjs/passport`. `AuthModule` registers it. It verifies
 * with the library's own `KeyObject`s (picked by `kid`, `typ` and `alg` as `TokenService` does), the
 * configured issuer, audience and clock tolerance, and, in the default `'session'` mode, checks the
 * session still exists, exactly like `AccessTokenGuard`. Failures are 401 (503 when the store is down).
 *
 * `AccessTokenGuard` (the default global guard) is faster: it remembers verified tokens, passport-jwt
 * verifies every request again.
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
    // Every configured algorithm; each key is still held to its own one, as `verificationKeyFor` picks the
    // key by `kid` only when the token's `alg` is that key's algorithm.
    const algorithms = [...new Set([jwt.algorithm, ...(jwt.verificationKeys ?? []).map((k) => k.algorithm)])];
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: ((_request, rawJwtToken: string, done) => {
        try {
          // The same KeyObjects TokenService verifies with (created once: no per-call PEM parsing); the
          // passport-jwt typings predate KeyObjects.
          done(null, tokens.verificationKeyFor(rawJwtToken).key as unknown as Buffer);
        } catch (error) {
          done(error);
        }
      }) satisfies SecretOrKeyProvider,
      // Never empty (jwt.algorithm is always set): an empty list would let jsonwebtoken choose by key type.
      algorithms,
      issuer: jwt.issuer,
      audience: jwt.audience,
      jsonWebTokenOptions: { clockTolerance: jwt.clockToleranceSeconds },
    });
  }

  /** Called by passport with the verified payload: requires `sub`, `sid` and `exp`, then checks the session. */
  async validate(payload: Record<string, unknown>): Promise<AuthenticatedUser> {
    try {
      const { sub, sid, exp, roles, email, amr, auth_time: authTime } = payload;
      if (typeof sub !== 'string' || !sub || typeof sid !== 'string' || !sid || typeof exp !== 'number') {
        throw new AccessTokenInvalidError();
      }
      if (this.options.accessTokenValidation === 'session' && !(await this.sessions.exists(sub, sid))) {
        throw new SessionRevokedError();
      }
      return {
        id: sub,
        sessionId: sid,
        roles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [],
        email: typeof email === 'string' ? email : undefined,
        claims: appClaimsOf(payload),
        amr: Array.isArray(amr) ? amr.filter((r): r is string => typeof r === 'string') : [],
        authTime: typeof authTime === 'number' ? authTime * 1000 : undefined,
      };
    } catch (error) {
      throw error instanceof AuthError ? toHttpException(error) : error;
    }
  }
}

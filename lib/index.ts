export { AuthModule } from './auth.module';
export {
  AUTH_MODULE_OPTIONS, AUTH_OPTIONS_TYPE, AUTH_ASYNC_OPTIONS_TYPE, type AuthModuleExtras,
} from './auth.module-definition';
export {
  type AuthModuleOptions, type ResolvedAuthOptions, type JwtOptions, type JwtAlgorithm, type KeyInput,
  type VerificationKeyOptions, type RedisConnectionOptions, type RefreshTokenTransport, type RefreshCookieOptions,
  type ProviderInput, JWT_ALGORITHMS, resolveAuthOptions,
} from './auth.options';
export { AUTHKIT_REDIS, AUTHKIT_REDIS_NAMESPACE, IS_PUBLIC_KEY, ROLES_KEY, RESOLVED_AUTH_OPTIONS } from './auth.constants';
export * from './auth.errors';
export type { AuthenticatedUser, ClientInfo, PublicUser, TokenPair, SessionView } from './auth.types';
export { AuthService } from './auth.service';

export { TokenService } from './tokens/token.service';
export type { AccessTokenClaims, IssuedAccessToken, IssuedRefreshToken, ParsedRefreshToken, JsonWebKeySet } from './tokens/token.types';

export { SessionStore } from './sessions/session-store.interface';
export type {
  SessionRecord, CreateSessionInput, RotateSessionInput, RotateResult, SessionStoreSettings,
} from './sessions/session-store.interface';
export { RedisSessionStore } from './sessions/redis-session.store';
export { MemorySessionStore } from './sessions/memory-session.store';

export { UserStore } from './identity/user-store.interface';
export type { AuthUser, StoredUser, NewUser } from './identity/user-store.interface';
export { RedisUserStore } from './identity/redis-user.store';
export { MemoryUserStore } from './identity/memory-user.store';
export { PasswordHasher } from './identity/password-hasher.interface';
export type { PasswordHashingOptions } from './identity/password-hasher.interface';
export { Argon2PasswordHasher } from './identity/argon2-password.hasher';
export { IdentityResolver, type Credentials, PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH } from './identity/identity.resolver';
export { normalizeEmail } from './identity/email';

export { AccessTokenGuard } from './guards/access-token.guard';
export { RolesGuard, expandRoleHierarchy } from './guards/roles.guard';
export type { AuthRequest } from './guards/auth-request';
export { Public } from './decorators/public.decorator';
export { Roles } from './decorators/roles.decorator';
export { CurrentUser } from './decorators/current-user.decorator';

export { AuthController, type TokenResponse } from './http/auth.controller';
export { CredentialsDto, RefreshDto } from './http/auth.dto';
export { AuthExceptionFilter } from './http/auth-exception.filter';
export type { ErrorBody } from './http/auth-http-status';
export { FAIL_FAST_REDIS_OPTIONS } from './redis/authkit-redis.module';

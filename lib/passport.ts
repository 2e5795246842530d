// `nestjs-authkit/passport`: the library's access tokens as a passport strategy, for apps that compose
// `AuthGuard()` from `@nestjs/passport`. Needs the optional peers `@nestjs/passport`, `passport` and `passport-jwt`.
export { AuthkitJwtStrategy } from './core/guards/authkit-jwt.strategy';
export { AUTHKIT_JWT_STRATEGY } from './core/auth.constants';
// Passport OAuth 2.0 strategies as provider sources (`oauth.passport`): profile mappers for the common strategies.
export { googlePassportProfile, githubPassportProfile } from './features/oauth/passport-profile.mappers';
export { AuthkitAuthGuard } from './core/guards/authkit-auth.guard';

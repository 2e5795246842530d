// `nestjs-authkit/passport`: the library's access tokens as a passport strategy, for apps that compose
// `AuthGuard()` from `@nestjs/passport`. Needs the optional peers `@nestjs/passport`, `passport` and `passport-jwt`.
export { AuthkitJwtStrategy } from './guards/authkit-jwt.strategy';
export { AUTHKIT_JWT_STRATEGY } from './auth.constants';
// Passport OAuth 2.0 strategies as provider sources (`oauth.passport`): profile mappers for the common strategies.
export { googlePassportProfile, githubPassportProfile } from './oauth/passport-profile.mappers';
export { AuthkitAuthGuard } from './guards/authkit-auth.guard';

// `nestjs-authkit/passport`: the library's access tokens as a passport strategy, for apps that compose
// `AuthGuard()` from `@nestjs/passport`. Needs the optional peers `@nestjs/passport`, `passport` and `passport-jwt`.
export { AuthkitJwtStrategy } from './guards/authkit-jwt.strategy';
export { AUTHKIT_JWT_STRATEGY } from './auth.constants';

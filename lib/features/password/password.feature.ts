import type { AuthFeature } from '../../core/feature/auth-feature';
import { openApiDocs } from '../../core/feature/auth-feature';
import { COOKIE_OPTIONS, type ResolvedCookieOptions } from '../../core/http/cookie.options';
import { PasswordSignInController } from './password-sign-in.controller';
import { documentPasswordSignInRoutes } from './password.openapi';
import { RegistrationBodyPipe } from './registration-body.pipe';
import { PasswordSignIn } from './password-sign-in';
import { RegistrationService } from './registration.service';

/** Email and password as a way in: `POST register` and `POST login`. On by default. */
export const passwordFeature: AuthFeature = {
  name: 'password',
  build: (context) => {
    const services = [PasswordSignIn, RegistrationService, RegistrationBodyPipe];
    if (!context.controllers) return { providers: services, exports: services };
    const controller = context.mount(PasswordSignInController);
    return {
      providers: [
        ...services,
        openApiDocs('password', [COOKIE_OPTIONS], (cookie: ResolvedCookieOptions) => documentPasswordSignInRoutes(controller, cookie)),
      ],
      exports: services,
      controllers: [controller],
    };
  },
};

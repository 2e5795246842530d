import { type AuthFeature, openApiDocs } from '../../core/feature/auth-feature';
import { COOKIE_OPTIONS, type ResolvedCookieOptions } from '../../core/http/cookie.options';
import { documentMagicLinkRoutes } from './magic-link.openapi';
import { MAGIC_LINK_OPTIONS, type ResolvedMagicLinkOptions } from './magic-link.options';
import { MagicLinkController } from './magic-link.controller';
import { MAGIC_LINK_MAIL_TEMPLATES } from './magic-link.mail-templates';
import { MAGIC_LINK_SIGNUP, MagicLinkMailer } from './magic-link.mailer';
import { MagicLinkSignup } from './magic-link.signup';
import { MAGIC_LINK_ROUTE_LIMITS } from './magic-link.route-limits';
import { MagicLinkService } from './magic-link.service';

/**
 * Sign-in by a mailed link (`magicLink` option; its routes answer 404 without it): `POST /auth/magic-link` and
 * `POST /auth/magic-link/verify`. A primary factor only: never offered as a second factor (an email is not an
 * authenticator, ASVS 6).
 */
export const magicLinkFeature: AuthFeature = {
  name: 'magic-link',
  routeLimits: MAGIC_LINK_ROUTE_LIMITS,
  mailTemplates: MAGIC_LINK_MAIL_TEMPLATES,
  build: (context) => {
    const services = [MagicLinkMailer, MagicLinkSignup, MagicLinkService];
    const parts = { providers: services, exports: services, oneTimeTokenKinds: [...Object.keys(MAGIC_LINK_MAIL_TEMPLATES), MAGIC_LINK_SIGNUP] };
    if (!context.controllers) return parts;
    const controller = context.mount(MagicLinkController);
    const docs = openApiDocs('magic-link', [MAGIC_LINK_OPTIONS, COOKIE_OPTIONS], (options: ResolvedMagicLinkOptions, cookie: ResolvedCookieOptions) =>
      documentMagicLinkRoutes(controller, options, cookie));
    return { ...parts, providers: [...services, docs], controllers: [controller] };
  },
};

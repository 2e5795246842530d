import type { InjectionToken, Provider, Type } from '@nestjs/common';
import type { SignInStepInput } from '../sign-in/sign-in-step';
import type { MailTemplate } from '../mail/mail-templates';
import type { RouteLimitDeclarations } from '../throttling/throttle.options';

/** What a feature learns of the module it is composed into (the `forRoot` extras that shape the module). */
export interface AuthFeatureContext {
  /** Whether the library's controllers are mounted (`controller` extra, default true). */
  readonly controllers: boolean;
  /** Whether the admin routes are asked for (`adminRoutes` extra, default false). */
  readonly adminRoutes: boolean;
  /**
   * Mounts a controller class under the route prefix (a subclass, so several modules can mount it): what a
   * feature returns in `controllers`. Decorate the class with `@UseFilters(AuthExceptionFilter)` and the routes
   * with their own path only (`@Post('login')`).
   */
  mount(controller: Type): Type;
}

/** What a feature adds to the module. */
export interface AuthFeatureParts {
  /** Its services, guards, sign-in steps... built in the auth module's scope (they can inject the kernel's providers). */
  providers?: Provider[];
  /** The providers an app may inject (the module is global by default). */
  exports?: InjectionToken[];
  /** Its controllers, each from `context.mount(...)`. */
  controllers?: Type[];
  /** The kinds of one-time tokens it issues (snake_case, `password_reset`...): a deleted account's are revoked. */
  oneTimeTokenKinds?: string[];
  /**
   * Its sign-in steps, run on every sign-in after the library's (the verified-email rule, `hooks.beforeLogin`) and
   * before the app's `signInSteps`: a class (built with DI in the auth module) or an instance.
   */
  signInSteps?: SignInStepInput[];
}

/**
 * One feature of the library (password sign-in, OAuth, account recovery, admin...) or of an app: a folder that
 * contributes providers, controllers and exports to `AuthModule`, built from the module's shape. The kernel
 * (sessions, tokens, guards, the sign-in pipeline) knows no feature; features plug into it.
 *
 * @example
 * ```ts
 * export const officeHours = (hours: OfficeHours): AuthFeature => ({
 *   name: 'office-hours',
 *   build: (context) => ({
 *     providers: [{ provide: OFFICE_HOURS, useValue: hours }],
 *     signInSteps: [OfficeHoursStep],
 *     controllers: context.controllers ? [context.mount(OfficeHoursController)] : [],
 *   }),
 * });
 * AuthModule.forRoot({ jwt: { secret }, features: [officeHours({ openHourUtc: 8, closeHourUtc: 18 })] });
 * ```
 */
export interface AuthFeature {
  /** A short name, unique in the module (`password`, `oauth`...). */
  readonly name: string;
  build(context: AuthFeatureContext): AuthFeatureParts;
  /**
   * The routes it throttles, each with its counters' default limits (`{ oauthStart: { ip: { limit: 30, windowMs:
   * 600_000 } } }`); the app tunes them under `throttle.<route>`. Declare the route's options too, by merging
   * into `RouteLimitOptions`, so `throttle` stays type-checked.
   */
  readonly routeLimits?: RouteLimitDeclarations;
  /** The kinds of mail it sends (snake_case), each with its default template; `mail.templates.<kind>` replaces one. */
  readonly mailTemplates?: Readonly<Record<string, MailTemplate>>;
}

/**
 * A provider that documents a feature's routes for `@nestjs/swagger` when the module is built (before the app's
 * `SwaggerModule.createDocument`), from the options it injects.
 */
export function openApiDocs(feature: string, inject: InjectionToken[], document: (...options: never[]) => void): Provider {
  return { provide: Symbol(`AUTHKIT_OPENAPI_${feature}`), inject, useFactory: (...options: never[]) => (document(...options), true) };
}

import type { Type } from '@nestjs/common';
import type { ClientInfo, TokenPair } from '../auth.types';
import type { AuthUser, StoredUser } from '../ports/user-store.interface';

/** How the primary factor proved who the user is. */
export type SignInMethod = 'password' | 'oauth' | 'passkey' | 'magic_link';

/**
 * What a primary factor (password, OAuth callback, registration, later passkeys and magic links) hands to the
 * sign-in pipeline: the user it authenticated and how.
 */
export interface PrimaryFactor {
  /** The user as read when they authenticated: the session is bound to this record's credential version. */
  user: StoredUser;
  method: SignInMethod;
  /** The session's `amr` (values of `AMR_VALUES`): `['pwd']` for a password or a registration, `['oauth']` for a provider. */
  amr: readonly string[];
  /** The OAuth provider, for `method: 'oauth'`. */
  provider?: string;
  /** `'registration'`: the sign-in that follows a self-registration (emits `Registered` instead of `LoginSucceeded`). Default `'sign-in'`. */
  kind?: 'sign-in' | 'registration';
  /** The user was created by this sign-in (a registration, a first OAuth sign-in): `Registered` is emitted. */
  created?: boolean;
}

/** What a sign-in step sees: the authenticated user (without secrets) and how they got here. Read-only. */
export interface SignInAttempt {
  readonly user: Readonly<AuthUser>;
  /** Whether the user has a password (its hash is never shown to steps). */
  readonly hasPassword: boolean;
  readonly method: SignInMethod;
  readonly provider?: string;
  readonly amr: readonly string[];
  /** `'registration'` right after a self-registration, else `'sign-in'`. */
  readonly kind: 'sign-in' | 'registration';
  /** The user was created by this sign-in. */
  readonly created: boolean;
  readonly client: Readonly<ClientInfo>;
}

/**
 * A sign-in suspended by a step: the client gets `body` (200, no tokens, no refresh cookie) and must complete
 * the challenge to get a session. MFA will answer `{ challenge: 'mfa', body: { mfaRequired: true, mfaToken,
 * methods, expiresIn } }`; an OAuth callback lands on the success URL with `?<challenge>=required`.
 */
export interface SignInChallenge {
  /** What is asked, a short name (`mfa`): the OAuth success redirect gets `?<challenge>=required`. */
  readonly challenge: string;
  /** The JSON answered instead of the token response. Never put a session token here. */
  readonly body: Readonly<Record<string, unknown>>;
  /**
   * For ways in that end in a browser redirect (OAuth callbacks): a short-lived HttpOnly cookie (Path: the auth
   * routes) that carries the pending sign-in, so nothing of it travels in the URL. JSON answers ignore it (their
   * body carries the same).
   */
  readonly cookie?: { readonly name: string; readonly value: string; readonly maxAgeSeconds: number };
}

/** What a step returns: nothing to let the sign-in go on, or a challenge to suspend it. To refuse, throw an `AuthError`. */
export type SignInStepResult = SignInChallenge | undefined | void;

/**
 * One step of the sign-in pipeline. Steps run in order after every primary factor (password, OAuth callback,
 * registration...) and before any session exists: the library's own (the `requireVerifiedEmail` rule, then
 * `hooks.beforeLogin`), then the app's (`signInSteps` option), in the order given. A step may:
 * - let the sign-in go on: return nothing;
 * - refuse it: throw an `AuthError` (e.g. `AuthRejectedError`: its status and code reach the client; `LoginFailed`
 *   is emitted with the code). Anything else thrown is a 500;
 * - suspend it with a challenge: return a `SignInChallenge` (no session is created; the steps after it do not run).
 *
 * A class is built by Nest's DI (it may inject the app's providers); an instance is used as is.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class OfficeHoursStep implements SignInStep {
 *   run(attempt: SignInAttempt): void {
 *     const hour = new Date().getUTCHours();
 *     if (hour < 8 || hour >= 18) throw new AuthRejectedError('outside_office_hours', 'Sign in between 08:00 and 18:00 UTC', 403);
 *   }
 * }
 *
 * AuthModule.forRoot({ jwt: { secret }, signInSteps: [OfficeHoursStep] });
 * ```
 */
export interface SignInStep {
  run(attempt: SignInAttempt): SignInStepResult | Promise<SignInStepResult>;
}

/** The `signInSteps` option: each a class (built with DI) or an instance. */
export type SignInStepInput = Type<SignInStep> | SignInStep;

/** The outcome of `SignInPipeline.signIn`: a session, or a challenge to complete first. */
export type SignInOutcome =
  | { status: 'signed_in'; tokens: TokenPair; sessionId: string }
  | { status: 'challenge'; challenge: SignInChallenge };

/**
 * Injection token of every step the pipeline runs, in order (the library's, then the app's `signInSteps`). Built
 * by `AuthModule`; inject it to see the list, add steps through the `signInSteps` option.
 */
export const SIGN_IN_STEPS = Symbol('SIGN_IN_STEPS');

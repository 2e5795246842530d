import { Inject, Injectable } from '@nestjs/common';
import type { ClientInfo } from '../../core/auth.types';
import { OneTimeTokenInvalidError, ValidationFailedError } from '../../core/errors/auth.errors';
import { UserStore } from '../../core/ports/user-store.interface';
import { SignInPipeline } from '../../core/sign-in/sign-in-pipeline';
import type { SignInOutcome } from '../../core/sign-in/sign-in-step';
import { clientIpKey } from '../../core/throttling/client-ip';
import { RouteLimiter } from '../../core/throttling/route-limiter';
import { AccountSecuring, isPossibleSquat } from '../../core/users/account-securing.service';
import { parseEmail } from '../../core/users/email';
import { MagicLinkMailer, parseMagicLink } from './magic-link.mailer';
import { MagicLinkSignup } from './magic-link.signup';

/**
 * Sign-in by a mailed link: the link is the primary factor (`amr: ['email']`), then the sign-in pipeline (MFA and
 * every other step still apply). The email is marked verified: the link reached it.
 */
@Injectable()
export class MagicLinkService {
  constructor(
    private readonly mailer: MagicLinkMailer,
    private readonly limiter: RouteLimiter,
    private readonly pipeline: SignInPipeline,
    private readonly securing: AccountSecuring,
    @Inject(UserStore) private readonly users: UserStore,
    private readonly signup: MagicLinkSignup,
  ) {}

  /**
   * Mails a link when an enabled account has this email (in the background); the same outcome, the same store
   * commands before the answer, for unknown emails (which get a sign-up link when `magicLink.register` is on).
   * Throttled per ip and per email (`TooManyRequestsError`, counted whether or not the email has an account).
   */
  async request(rawEmail: unknown, client: ClientInfo = {}): Promise<void> {
    const email = parseEmail(rawEmail);
    if (email === null) throw new ValidationFailedError(['email must be an email']);
    await this.limiter.charge('magicLink', { ip: this.ipOf(client), email }, client);
    const user = await this.mailer.findByEmailInConstantSteps(email);
    if (user && !user.disabled && user.email) this.mailer.sendInBackground(user);
    else if (!user && this.signup.open) this.mailer.sendSignupInBackground(email);
  }

  /**
   * Signs in with a link's token: charged to `magicLinkVerify` (per ip and per the user the token names) before it
   * is checked, consumed (single use), then the email is verified and the sign-in pipeline runs. An account whose
   * email was unverified may be a squat (`isPossibleSquat`): whatever its registrant holds (password, identities,
   * second factors, sessions) goes first, as with a password reset. `OneTimeTokenInvalidError` for an unknown,
   * used, expired or replaced token.
   */
  async verify(token: unknown, client: ClientInfo = {}): Promise<SignInOutcome> {
    const presented = parseMagicLink(token);
    await this.limiter.charge('magicLinkVerify', { ip: this.ipOf(client), user: presented?.parsed.userId }, client);
    if (!presented) throw new OneTimeTokenInvalidError();
    if (presented.signup) return this.signUp(presented.parsed, presented.email, client);
    let user = await this.mailer.consume(presented.parsed);
    if (isPossibleSquat(user)) {
      await this.securing.secure(user.id, { voidPassword: true, unlinkIdentities: true, removeSecondFactors: true, verifyEmail: true });
      user = (await this.users.findById(user.id)) ?? user;
      if (user.disabled) throw new OneTimeTokenInvalidError();
    }
    return this.pipeline.signIn({ user, method: 'magic_link', amr: ['email'] }, client);
  }

  /** A sign-up link (`magicLink.register`): used up, then the account it creates (or that got the email meanwhile). */
  private async signUp(parsed: { userId: string; hash: string }, email: string, client: ClientInfo): Promise<SignInOutcome> {
    if (!this.signup.open) throw new OneTimeTokenInvalidError();
    await this.mailer.consumeSignup(parsed);
    const { user, created } = await this.signup.create(email, client);
    if (user.disabled) throw new OneTimeTokenInvalidError();
    if (!created && isPossibleSquat(user)) {
      await this.securing.secure(user.id, { voidPassword: true, unlinkIdentities: true, removeSecondFactors: true, verifyEmail: true });
    }
    const current = created ? user : ((await this.users.findById(user.id)) ?? user);
    return this.pipeline.signIn({ user: current, method: 'magic_link', amr: ['email'], ...(created ? { kind: 'registration', created: true } : {}) }, client);
  }

  private ipOf(client: ClientInfo): string | undefined {
    return client.ip === undefined ? undefined : clientIpKey(client.ip);
  }
}

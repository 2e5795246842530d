import { Inject, Injectable } from '@nestjs/common';
import type { ClientInfo } from '../../core/auth.types';
import { EmailTakenError } from '../../core/errors/auth.errors';
import { ACCOUNT_OPTIONS, type ResolvedAccountOptions } from '../../core/options/account.options';
import { type StoredUser, UserStore } from '../../core/ports/user-store.interface';
import { IDENTITY_OPTIONS, type ResolvedIdentityOptions } from '../../core/users/identity.options';
import { MAGIC_LINK_OPTIONS, type ResolvedMagicLinkOptions } from './magic-link.options';

/** Sign-up by magic link (`magicLink.register`): whether an unknown email gets a link, and the account its click creates. */
@Injectable()
export class MagicLinkSignup {
  constructor(
    @Inject(UserStore) private readonly users: UserStore,
    @Inject(MAGIC_LINK_OPTIONS) private readonly options: ResolvedMagicLinkOptions,
    @Inject(IDENTITY_OPTIONS) private readonly identity: ResolvedIdentityOptions,
    @Inject(ACCOUNT_OPTIONS) private readonly account: ResolvedAccountOptions,
  ) {}

  /** On with `magicLink.register`, while registration is open and asks for no `registrationFields` (a link carries none). */
  get open(): boolean {
    return this.options.register && this.identity.registration.enabled && this.account.registrationFields === null;
  }

  /**
   * The account of a sign-up link that was just used: `hooks.beforeRegister` (may refuse), then a user with the
   * default roles, no password and the email verified (the click proved it). When the email got an account meanwhile,
   * that account (`created: false`: the caller signs it in as a magic link of that account).
   */
  async create(email: string, client: ClientInfo): Promise<{ user: StoredUser; created: boolean }> {
    const existing = await this.users.findByEmail(email);
    if (existing) return { user: existing, created: false };
    await this.account.hooks.beforeRegister?.({ email, fields: {}, client: { ...client } });
    try {
      const user = await this.users.create({ email, passwordHash: null, roles: [...this.identity.registration.defaultRoles], emailVerified: true });
      return { user, created: true };
    } catch (error) {
      const raced = error instanceof EmailTakenError ? await this.users.findByEmail(email) : null;
      if (!raced) throw error;
      return { user: raced, created: false };
    }
  }
}

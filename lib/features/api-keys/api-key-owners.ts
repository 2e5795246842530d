import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AuthEvent } from '../../core/events/auth-event.names';
import { AuthEvents } from '../../core/events/auth-events.emitter';
import { credentialVersionOf, UserStore } from '../../core/ports/user-store.interface';
import { type ApiKeyOwner, ApiKeyStore } from './api-key-store.interface';
import { API_KEYS_OPTIONS, type ResolvedApiKeysOptions } from './api-keys.options';

/**
 * Keeps what the keys check their owner against (roles, credential version) in step with the user store: on the
 * user's events (password changed, disabled or enabled, roles changed, deleted) at once, and when a request finds it
 * older than `ownerRecheckSeconds` (so a change made outside the library, or whose event was missed, still
 * reaches the keys). A disabled or deleted owner loses every key.
 */
@Injectable()
export class ApiKeyOwners implements OnModuleInit {
  private readonly logger = new Logger('AuthKit');

  constructor(
    @Inject(ApiKeyStore) private readonly store: ApiKeyStore,
    @Inject(UserStore) private readonly users: UserStore,
    @Inject(API_KEYS_OPTIONS) private readonly options: ResolvedApiKeysOptions,
    private readonly events: AuthEvents,
  ) {}

  onModuleInit(): void {
    if (!this.options.enabled) return;
    const refresh = ({ userId }: { userId: string }) => {
      this.refresh(userId).catch((error: unknown) => this.logger.warn(`API keys: the owner's state could not be refreshed (${(error as Error).name})`));
    };
    for (const event of [AuthEvent.PasswordChanged, AuthEvent.UserDisabled, AuthEvent.UserEnabled, AuthEvent.RolesChanged, AuthEvent.AccountDeleted]) {
      this.events.subscribe(event, refresh);
    }
  }

  /** The owner as the user store has it now (also recorded beside the keys); `null` (and no key left) when disabled or gone. */
  async refresh(userId: string): Promise<ApiKeyOwner | null> {
    const user = await this.users.findById(userId);
    if (!user || user.disabled) {
      await this.store.revokeAll(userId);
      return null;
    }
    const owner: ApiKeyOwner = { roles: [...user.roles], credentialVersion: credentialVersionOf(user), checkedAt: Date.now() };
    await this.store.setOwner(userId, owner);
    return owner;
  }
}

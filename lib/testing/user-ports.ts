import type { CredentialStore } from '../core/ports/credential-store.interface';
import type { IdentityStore } from '../core/ports/identity-store.interface';
import type { UserStore } from '../core/ports/user-store.interface';

/** The user ports as separate objects (each may be the same object: one class implementing several ports). */
export interface UserPorts {
  users: UserStore;
  credentials: CredentialStore;
  identities: IdentityStore;
}

/** What a contract suite runs against: one class that implements the ports it tests, or one object per port. */
export type PortsUnderTest<K extends keyof UserPorts> = (UserStore & UserPorts[K]) | (Pick<UserPorts, 'users' | K>);

/** The ports of `given`, each the same object when it is one class implementing them all. */
export function portsOf<K extends keyof UserPorts>(given: PortsUnderTest<K>): Pick<UserPorts, 'users' | K> {
  // A store class may hold a property named `users` (a repository): a class is told apart by its methods.
  if (typeof (given as Partial<UserStore>).findById === 'function') {
    const store = given as UserStore & UserPorts[K];
    return { users: store, credentials: store, identities: store } as unknown as Pick<UserPorts, 'users' | K>;
  }
  return given as Pick<UserPorts, 'users' | K>;
}

/** What the library needs to know about a user. */
export interface AuthUser {
  id: string;
  /** Normalised (trimmed, lower-case). */
  email: string;
  roles: string[];
  emailVerified: boolean;
  disabled?: boolean;
}

/** A user as stored, with the password hash (`null` for accounts without a password). */
export interface StoredUser extends AuthUser {
  passwordHash: string | null;
}

export interface NewUser {
  email: string;
  passwordHash: string | null;
  roles: string[];
  emailVerified: boolean;
}

/**
 * Port to the application's users. Plug in your own (Prisma, TypeORM...) with
 * `AuthModule.forRoot({ userStore: MyUserStore })`; `RedisUserStore` and `MemoryUserStore` are the defaults.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class PrismaUserStore implements UserStore {
 *   constructor(private readonly prisma: PrismaService) {}
 *   findById(id: string) { return this.prisma.user.findUnique({ where: { id } }); }
 *   // ...
 * }
 * ```
 */
export interface UserStore {
  findById(id: string): Promise<StoredUser | null>;
  /** `email` is already normalised. */
  findByEmail(email: string): Promise<StoredUser | null>;
  /** Creates a user with a new id. Must throw `EmailTakenError` when the email is taken (atomically). */
  create(user: NewUser): Promise<StoredUser>;
  setPasswordHash(id: string, passwordHash: string | null): Promise<void>;
  setRoles(id: string, roles: string[]): Promise<void>;
}

/** Injection token for the `UserStore` port. */
export const UserStore = Symbol('UserStore');

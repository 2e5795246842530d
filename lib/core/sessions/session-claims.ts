import type { StoredUser } from '../ports/user-store.interface';

/**
 * Claims of a session's access tokens that a feature decides and that may change while the session lives (the
 * organizations feature's `org` and `org_roles`: the session's active organization and the user's roles there). The
 * kernel never imports a feature: it injects this, optionally (`SESSION_CLAIMS`), and asks it on every refresh. The
 * app's own `claims` never set the `names` it owns. In two steps: `contextOf` says whether the session has such
 * claims at all (a session without an active organization: nothing more is read); then the kernel reads the user's
 * claims version (`cv`, see `SessionVersions`) and only then calls `claimsFor`, so a change that writes first and
 * bumps the version after can never be missed by a token signed meanwhile.
 */
export interface SessionClaimsSource {
  /** The claim names it owns (the app's `claims` for them are dropped). */
  readonly names: readonly string[];
  /** What the session's claims depend on (its active organization), or null when it has none. */
  contextOf(user: StoredUser, sessionId: string): Promise<string | null>;
  /** The claims of the session's next access token for that context (read after the claims version); undefined or `{}` for none. */
  claimsFor(user: StoredUser, sessionId: string, context: string): Promise<Readonly<Record<string, unknown>> | undefined>;
}

/** Injection token of the optional `SessionClaimsSource` a feature provides. */
export const SESSION_CLAIMS = Symbol('authkit:session-claims');

/** Session claims as signed: the claims and the claims version they were read under. */
export interface ResolvedSessionClaims {
  names: readonly string[];
  claims?: Readonly<Record<string, unknown>>;
  version?: number;
}

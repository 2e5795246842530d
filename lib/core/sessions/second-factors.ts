import type { ClientInfo } from '../auth.types';

/** A step-up proof as `POST /auth/reauthenticate` receives it: exactly one of its fields. */
export interface ReauthenticationProof {
  password?: string;
  code?: string;
  recoveryCode?: string;
}

/**
 * What the kernel asks of a second-factor feature (the `mfa` feature provides it as `SECOND_FACTORS`; without such
 * a feature the kernel knows only passwords). The kernel never imports a feature: it injects this, optionally.
 */
export interface SecondFactors {
  /** Whether the user has a confirmed second factor (`@RequireRecentAuth({ secondFactor: true })` then asks for `mfa`). */
  enrolled(userId: string): Promise<boolean>;
  /**
   * Step-up with a second factor (`code` or `recoveryCode`): the `amr` values it proves (`['otp', 'mfa']`), or
   * throws the feature's 401 (`mfa_code_invalid`; throttled per user, 429). Used up like a sign-in's code: a TOTP
   * step is never accepted twice, a recovery code once.
   */
  reauthenticate(userId: string, proof: ReauthenticationProof, client: ClientInfo): Promise<readonly string[]>;
  /**
   * The account was secured (a possible squatter's hold on it ends, `AccountSecuring`): every second factor goes,
   * so a squatter's authenticator cannot lock out the mailbox owner.
   */
  removeAll(userId: string, client: ClientInfo): Promise<void>;
  /** The user's factors as `GET /auth/me` shows them (`mfa`); undefined while the feature is off (no `mfa` field then). */
  summary?(userId: string): Promise<SecondFactorSummary | undefined>;
}

/** A user's second factors in `GET /auth/me` (`mfa`). Never a secret. */
export interface SecondFactorSummary {
  /** Whether the user has a confirmed second factor (a sign-in then asks for it). */
  enrolled: boolean;
  /** What finishes a sign-in or a step-up: `totp`, `recovery_code` (`passkey` once a passkey feature provides it). */
  methods: string[];
  /** Unused recovery codes (0 without). */
  recoveryCodesLeft: number;
}

/** Injection token of the optional `SecondFactors` a feature provides. */
export const SECOND_FACTORS = Symbol('authkit:second-factors');

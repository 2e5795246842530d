import { AuthError } from '../../core/errors/auth.errors';

/** The challenge in the response is unknown, expired, already used, or was issued for another ceremony or user. */
export class PasskeyChallengeInvalidError extends AuthError {
  static override readonly code = 'passkey_challenge_invalid';
  static override readonly defaultMessage = 'The passkey request has expired or was already used; try again';
}

/** The response was made for another site: its origin is not one of `passkeys.origins`, or its RP ID is not `passkeys.rpId`. */
export class PasskeyOriginInvalidError extends AuthError {
  static override readonly code = 'passkey_origin_invalid';
  static override readonly defaultMessage = 'The passkey response was made for another site';
}

/**
 * The signature counter did not move forward (it did before): a cloned authenticator, or a replay. The sign-in is
 * refused; the passkey stays (the user may remove it).
 */
export class PasskeyCounterInvalidError extends AuthError {
  static override readonly code = 'passkey_counter_invalid';
  static override readonly defaultMessage = 'The passkey could not be verified';
}

/**
 * The passkey response does not verify: unknown credential (or another user's), bad signature, no user
 * verification where it is required, a malformed response.
 */
export class PasskeyInvalidError extends AuthError {
  static override readonly code = 'passkey_invalid';
  static override readonly defaultMessage = 'The passkey could not be verified';
}

/** Registration of a credential that is already registered (to this user or another). */
export class PasskeyAlreadyRegisteredError extends AuthError {
  static override readonly code = 'passkey_already_registered';
  static override readonly httpStatus = 409;
  static override readonly defaultMessage = 'This passkey is already registered';
}

/** The user has `passkeys.maxPerUser` passkeys already. */
export class PasskeyLimitReachedError extends AuthError {
  static override readonly code = 'passkey_limit_reached';
  static override readonly httpStatus = 409;
  static override readonly defaultMessage = 'Remove a passkey before adding another';
}

/** No passkey of this id for this user (another user's is not found either). */
export class PasskeyNotFoundError extends AuthError {
  static override readonly code = 'passkey_not_found';
  static override readonly httpStatus = 404;
  static override readonly defaultMessage = 'No such passkey';
}

/** Removing it would leave the user without the second factor `mfa.required` asks of them, or without a way to sign in. */
export class PasskeyLastFactorError extends AuthError {
  static override readonly code = 'passkey_last_factor';
  static override readonly httpStatus = 409;
  static override readonly defaultMessage = 'This is your last way to sign in or your last second factor: add another first';
}

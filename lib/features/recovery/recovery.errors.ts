import { AuthError } from '../../core/errors/auth.errors';

/**
 * `POST /auth/email/verify` with a valid link, but nothing showing that the click comes from whoever registered
 * the account (its password in the body, or an access token of that account): a click on a mailed link proves
 * the mailbox, not the password, and the registrant may be someone squatting this address. The page asks for the
 * password, or offers "this was not me" (`POST /auth/email/verify/decline`). The token is not used up.
 */
export class RegistrantProofRequiredError extends AuthError {
  static override readonly code = 'registrant_proof_required';
  static override readonly httpStatus = 401;
  static override readonly defaultMessage =
    "Enter this account's password (or sign in) to confirm the address; if you did not sign up, choose \"This was not me\"";
}

import type { Type } from '@nestjs/common';
import type { ResolvedCookieOptions } from '../../core/http/cookie.options';
import {
  documentRoutes, JSON_BODY_ERRORS, loadSwagger, Model, requestModel, type RouteDoc, SIGNED_IN, STORE_DOWN, tokenResponse,
} from '../../core/http/openapi';
import type { ResolvedMfaOptions } from './mfa.options';

const CODE = { type: 'string', pattern: '^\\d{6}$', description: 'the 6-digit code of the authenticator app' };
const RECOVERY_CODE = { type: 'string', maxLength: 64, description: 'one of the recovery codes (dashes and case ignored)' };
const MFA_TOKEN = { type: 'string', maxLength: 1024, description: 'from the sign-in answer; after an OAuth redirect, omit it: the HttpOnly cookie carries it' };
const PROOF = { code: CODE, recoveryCode: RECOVERY_CODE };
const PROOF_NOTE = 'exactly one of code, recoveryCode';
const PROOF_REQUEST = requestModel('AuthkitMfaProofRequest', PROOF, ['code', 'recoveryCode']);
const VERIFY_REQUEST = requestModel('AuthkitMfaVerifyRequest', { ...PROOF, mfaToken: MFA_TOKEN }, ['code', 'recoveryCode', 'mfaToken']);
const SETUP_REQUEST = requestModel('AuthkitMfaSetupRequest', { mfaToken: MFA_TOKEN }, ['mfaToken']);
const CONFIRM_REQUEST = requestModel('AuthkitMfaConfirmRequest', { code: CODE, mfaToken: MFA_TOKEN }, ['mfaToken']);
const RECOVERY_CODES = new Model('AuthkitMfaRecoveryCodes', { recoveryCodes: { type: 'array', items: { type: 'string' }, minItems: 10, maxItems: 10 } });
const STATUS = new Model('AuthkitMfaStatus', {
  totp: { type: 'boolean' }, recoveryCodesLeft: { type: 'integer' }, methods: { type: 'array', items: { type: 'string', enum: ['totp', 'recovery_code', 'passkey'] } },
  passkeys: { type: 'integer', description: 'with the passkeys feature' },
}, ['passkeys']);
const SETUP = new Model('AuthkitMfaSetup', { secret: { type: 'string', description: 'base32, shown this once' }, otpauthUrl: { type: 'string', description: 'otpauth://totp/... for a QR code' } });

function routes(mfa: ResolvedMfaOptions, cookie: ResolvedCookieOptions): Record<string, RouteDoc> {
  const enabled = mfa.enabled;
  return {
    verify: {
      summary: `Finish a sign-in that answered { mfaRequired: true, mfaToken }: a TOTP code or a recovery code (${PROOF_NOTE})`, enabled, security: [],
      body: VERIFY_REQUEST,
      success: { status: 200, description: 'Signed in (the refresh token per refreshTokenTransport)', schema: tokenResponse(cookie.refreshTokenTransport !== 'cookie') },
      errors: [[400, ['validation_failed', 'malformed_json']], [401, ['mfa_code_invalid', 'mfa_token_invalid']], [403, ['cross_site_request']],
        [429, ['too_many_attempts']], ...JSON_BODY_ERRORS, STORE_DOWN],
    },
    challengeOptions: {
      summary: 'What a second factor needs from the server first (passkey: WebAuthn request options bound to the mfaToken)', enabled, security: [],
      body: SETUP_REQUEST, success: { status: 200, description: 'For navigator.credentials.get()' },
      errors: [[401, ['mfa_token_invalid']], [403, ['cross_site_request']], [404, ['not_found']], STORE_DOWN],
    },
    status: { summary: "The signed-in user's second factors", enabled, security: ['bearer'], success: { status: 200, description: 'Factors', schema: STATUS }, errors: [SIGNED_IN, STORE_DOWN] },
    setup: {
      summary: 'Start TOTP enrolment: a new secret (signed in recently, or the mfaToken of an enrolment challenge)', enabled, security: ['bearer'],
      body: SETUP_REQUEST,
      success: { status: 200, description: 'The secret, shown this once', schema: SETUP },
      errors: [[401, [...SIGNED_IN[1], 'reauthentication_required', 'mfa_token_invalid']], [409, ['mfa_already_enabled']], STORE_DOWN],
    },
    confirm: {
      summary: 'Turn TOTP on with a first code: 10 recovery codes (with an enrolment mfaToken, the sign-in finishes too)', enabled, security: ['bearer'],
      body: CONFIRM_REQUEST,
      success: { status: 200, description: 'TOTP on; the recovery codes, shown this once', schema: RECOVERY_CODES },
      errors: [[400, ['validation_failed', 'malformed_json', 'mfa_setup_required']], [401, [...SIGNED_IN[1], 'mfa_code_invalid', 'mfa_token_invalid']],
        [409, ['mfa_already_enabled']], [429, ['too_many_attempts']], ...JSON_BODY_ERRORS, STORE_DOWN],
    },
    disable: {
      summary: 'Remove every second factor (step-up with the second factor; a code in the body is optional, checked when given)', enabled, security: ['bearer'], body: PROOF_REQUEST,
      success: { status: 204, description: 'Removed' },
      errors: [[400, ['validation_failed', 'malformed_json']], [401, [...SIGNED_IN[1], 'mfa_code_invalid', 'reauthentication_required']], [409, ['mfa_not_enabled']],
        [429, ['too_many_attempts']], ...JSON_BODY_ERRORS, STORE_DOWN],
    },
    regenerate: {
      summary: 'A new set of recovery codes, the old set void (step-up with the second factor; a code in the body is optional)', enabled, security: ['bearer'], body: PROOF_REQUEST,
      success: { status: 200, description: 'The new codes, shown this once', schema: RECOVERY_CODES },
      errors: [[400, ['validation_failed', 'malformed_json']], [401, [...SIGNED_IN[1], 'mfa_code_invalid', 'reauthentication_required']], [409, ['mfa_not_enabled']],
        [429, ['too_many_attempts']], ...JSON_BODY_ERRORS, STORE_DOWN],
    },
  };
}

/** Documents the MFA routes (and the admin reset, when mounted), when the app has `@nestjs/swagger`. */
export function documentMfaRoutes(controllers: { mfa: Type; admin?: Type }, mfa: ResolvedMfaOptions, cookie: ResolvedCookieOptions): void {
  const swagger = loadSwagger();
  if (!swagger) return;
  documentRoutes(swagger, controllers.mfa, routes(mfa, cookie));
  if (controllers.admin) {
    documentRoutes(swagger, controllers.admin, {
      reset: {
        summary: "Remove a user's second factors (admin; the user is mailed)", enabled: mfa.enabled, security: ['bearer'],
        success: { status: 204, description: 'Removed' }, errors: [SIGNED_IN, [403, ['insufficient_role']], [404, ['user_not_found']], STORE_DOWN],
      },
    });
  }
}

import { join } from 'node:path';
import { exportedNames } from '../support/module-exports';

/**
 * The public API, reviewed. An export that is added to or removed from lib/index.ts (or a subpath) fails this test:
 * update the list below only as a deliberate decision (it is what apps and adapter authors may depend on).
 */
const PUBLIC_API: Record<string, string[]> = {
  index: [
    // The module, its options and their parts.
    'AuthModule', 'AuthModuleExtras', 'AuthModuleOptions', 'AdapterOptions', 'ProviderInput',
    // Features: what an app's own feature returns (the `features` extra), and how it answers with tokens.
    'AuthFeature', 'AuthFeatureContext', 'AuthFeatureParts', 'TokenResponder',
    'JwtOptions', 'JwtAlgorithm', 'KeyInput', 'VerificationKeyOptions', 'RedisConnectionOptions', 'FAIL_FAST_REDIS_OPTIONS',
    'FAIL_FAST_CLUSTER_OPTIONS', 'RedisClient', 'RedisDurability', 'RedisSentinelAddress',
    'RefreshTokenTransport', 'RefreshCookieOptions', 'PasswordPolicyOptions', 'ThrottleOptions', 'SessionUserAgentMode',
    'RefreshTokenRotation',
    'OAuthOptions', 'OAuthProviderName', 'OAuthProviderOptions', 'GoogleOAuthOptions', 'GitHubOAuthOptions',
    'OAuthLinkingPolicy', 'OAuthUnverifiedEmailPolicy',
    'PassportOAuthSource', 'PassportOAuth2StrategyOptions', 'PassportProfileMapping', 'PassportProfileMapper',
    // OpenID Connect providers (features/oidc) and the kernel's registry of sign-in sources they plug into.
    'OidcOptions', 'OidcProviderOptions', 'OidcClaimsMapping', 'OidcAlgorithm', 'OidcClientAuthMethod', 'OidcPrivateKeyJwtOptions', 'OidcBackchannelLogout',
    'OAuthSourceRegistry', 'OAuthStrategy', 'OAuthProfile', 'OAuthAuthorizationStart',
    // Decorators, guards, metadata keys, the Redis client token (health checks).
    'Public', 'Roles', 'CurrentUser', 'IS_PUBLIC_KEY', 'ROLES_KEY', 'AUTHKIT_REDIS',
    'AccessTokenGuard', 'RolesGuard', 'AuthGuardBase', 'AuthRequest',
    // Step-up (issue 23): the route's service, the decorator and its guard, the kernel's second-factor extension point.
    'RequireRecentAuth', 'RecentAuthGuard', 'RecentAuthRequirement', 'RECENT_AUTH_KEY', 'ReauthenticationService', 'ReauthenticatedTokens',
    'SECOND_FACTORS', 'SecondFactors', 'SecondFactorSummary', 'ReauthenticationProof', 'ReauthenticateSessionInput',
    // The kernel's registry of second factors (issue 24): each feature registers its kinds (mfa: TOTP + recovery codes; passkeys).
    'SecondFactorRegistry', 'SecondFactorMethod', 'SecondFactorCheck',
    // Services and their results.
    'AuthService', 'IdentityResolver', 'Credentials', 'TokenService', 'VerifiedAccessToken', 'AccessTokenClaims',
    'IssuedAccessToken', 'JsonWebKeySet', 'AuthenticatedUser', 'ClientInfo', 'PublicUser', 'TokenPair', 'SessionView',
    'TokenResponse',
    // The sign-in pipeline (issue 20): primary factor -> sign-in steps (the app's through `signInSteps`) -> SessionIssuer
    // (internal); the services split out of AuthService.
    'SignInPipeline', 'SignInOptions', 'SIGN_IN_STEPS', 'SignInStep', 'SignInStepInput', 'SignInStepResult', 'SignInAttempt',
    'SignInChallenge', 'SignInMethod', 'SignInOutcome', 'PrimaryFactor', 'SignInPipelineOptions',
    'PasswordSignIn', 'RegistrationService', 'RegistrationAccepted', 'RegistrationPendingVerification', 'RefreshService', 'SessionsService',
    'AMR_VALUES', 'MAX_AMR_VALUES', 'SessionAuthentication', 'RotatedSession',
    // Errors (stable codes) and their HTTP mapping.
    'AuthError', 'ValidationFailedError', 'InvalidCredentialsError', 'EmailTakenError', 'RegistrationDisabledError',
    'UserDisabledError', 'AccessTokenMissingError', 'AccessTokenInvalidError', 'AccessTokenExpiredError',
    'SessionRevokedError', 'RefreshTokenMissingError', 'RefreshTokenTransportError', 'RefreshTokenInvalidError', 'RefreshTokenSupersededError',
    'RefreshTokenReusedError', 'InsufficientRoleError', 'SessionNotFoundError', 'CrossSiteRequestError',
    'StoreFullError', 'StoreUnavailableError', 'TooManyAttemptsError', 'WeakPasswordError', 'BreachCheckUnavailableError', 'BreachedPasswordOptions', 'UnsupportedMediaTypeError', 'UserNotFoundError',
    'OAuthProviderNotConfiguredError', 'OAuthStateInvalidError', 'OAuthAccessDeniedError', 'OAuthProviderError',
    'OAuthCodeRejectedError', 'OAuthProviderUnavailableError', 'OAuthEmailUnverifiedError', 'OAuthAccountExistsError',
    'OAuthIdentityInUseError', 'OAuthProviderAlreadyLinkedError', 'OAuthIdentityNotFoundError', 'LastSignInMethodError',
    'ReauthenticationRequiredError', 'OAuthLinkEmailUnverifiedError',
    'OidcIdTokenInvalidError', 'OidcLogoutTokenInvalidError', 'OidcTokenFailure',
    'AuthExceptionFilter', 'ErrorBody',
    // Ports and shipped adapters.
    'UserStore', 'CredentialStore', 'IdentityStore', 'AuthUser', 'StoredUser', 'NewUser', 'UserIdentity', 'NewUserIdentity',
    'LinkIdentityResult', 'UnlinkIdentityResult', 'SetPasswordHashOptions', 'RedisUserStore', 'MemoryUserStore', 'normalizeEmail',
    'SessionStore', 'SessionRecord', 'CreateSessionInput', 'RotateSessionInput', 'RotateResult', 'SessionStoreSettings',
    'RevokeAllSessionsOptions', 'RedisSessionStore', 'ReplicatedWriter', 'MemorySessionStore',
    'PasswordHasher', 'PasswordHashingOptions', 'Argon2PasswordHasher',
    // Migration from bcrypt (issue 21): verifies legacy bcrypt hashes, rehashed to argon2id at the next sign-in.
    'BcryptLegacyPasswordHasher', 'BcryptLegacyHasherOptions',
    'LoginThrottler', 'ThrottleScope', 'ThrottleRule', 'ScopedThrottleRule', 'LoginAttempt', 'ThrottleTicket',
    'ThrottleVerdict', 'LoginOutcome', 'RedisLoginThrottler', 'MemoryLoginThrottler',
    'RouteThrottle', 'RateLimit', 'RateLimitHit', 'RateLimitVerdict', 'RouteLimitOptions', 'RouteCounterOptions', 'RedisRouteThrottle',
    'MemoryRouteThrottle', 'clientIpKey', 'TooManyRequestsError', 'ServiceBusyError',
    // Account lifecycle (issue 14): services, options, hooks, claims, mail and one-time token ports, errors.
    'AccountService', 'AuthAdminService', 'AdminActor', 'AdminUserView', 'AcceptedResponse', 'OptionalAuth',
    'AccountOptions', 'ClaimsFunction', 'ClaimsOptions', 'MailedTokenOptions', 'MailOptions',
    'AuthHooks', 'BeforeRegisterContext', 'BeforeLoginContext', 'BeforeOAuthLinkContext', 'AppClaims', 'ClaimValue',
    'Mailer', 'MailMessage', 'MailKind', 'MailTemplate', 'MailTemplateContext', 'RenderedMail', 'SmtpMailer', 'LoggingMailer',
    'OneTimeTokenStore', 'IssueOneTimeTokenInput', 'ConsumeOneTimeTokenInput', 'OneTimeTokenKind', 'RedisOneTimeTokenStore',
    'MemoryOneTimeTokenStore',
    'OneTimeTokenInvalidError', 'EmailUnverifiedError', 'ReauthenticationRequiredError', 'AuthRejectedError', 'RegistrantProofRequiredError',
    // Events (names, typed payloads, the emitter).
    'AuthEvent', 'AUTH_EVENT_NAMES', 'AuthEventName', 'AuthEvents', 'AuthEventBase', 'AuthEventPayloads', 'AuthEventMap', 'UserEvent', 'SessionEvent',
    'RegisteredEvent', 'LoginSucceededEvent', 'LoginFailedEvent', 'ThrottledEvent', 'LogoutEvent', 'LogoutAllEvent',
    'RefreshReusedEvent', 'SessionRevokedEvent', 'PasswordChangedEvent', 'PasswordResetEvent', 'EmailVerifiedEvent', 'RegistrationDeclinedEvent',
    'IdentityEvent', 'RolesChangedEvent', 'UserDisabledEvent', 'UserEnabledEvent', 'AccountDeletedEvent',
    // Two-factor sign-in (issue 23): options, services, store ports and adapters, errors, events, notice mails.
    'MfaOptions', 'MfaRequirement', 'MfaEncryptionKey', 'MfaEnrolmentService', 'MfaStatus', 'MfaSignInService', 'MfaProof',
    'MfaFactorStore', 'MfaChallengeStore', 'MfaFactors', 'MfaChallengeRecord', 'MfaFailure', 'ConfirmTotpResult',
    'MemoryMfaFactorStore', 'MemoryMfaChallengeStore', 'RedisMfaFactorStore', 'RedisMfaChallengeStore',
    'MfaNoticeKind', 'MfaNoticeMailContext', 'MfaNoticeMailTemplate',
    'MfaCodeInvalidError', 'MfaTokenInvalidError', 'MfaAlreadyEnabledError', 'MfaNotEnabledError', 'MfaSetupRequiredError', 'MfaEnrolmentRequiredError',
    'MfaVerifiedEvent', 'MfaFailedEvent', 'MfaRecoveryCodeUsedEvent', 'MfaMethod',
    // Organizations (issue 27): options, the decorators and their guard, services, store ports and adapters, errors, events.
    'OrganizationsOptions', 'OrganizationStores', 'OrgRoles', 'CurrentOrg', 'OrgRolesGuard', 'CurrentOrganization', 'OrganizationsService', 'OrganizationInvitations',
    'InvitationSent', 'OrganizationSwitchResponse', 'OrganizationStore', 'OrganizationInvitationStore', 'Organization', 'OrganizationMembership',
    'UserOrganization', 'OrganizationInvitation', 'MemberChangeResult', 'TransferResult', 'AcceptInvitationResult',
    'MemoryOrganizationStore', 'MemoryOrganizationInvitationStore', 'MemoryOrganizationData', 'RedisOrganizationStore', 'RedisOrganizationInvitationStore',
    'OrganizationNotActiveError', 'OrganizationRoleRequiredError', 'OrganizationMembershipRequiredError', 'OrganizationMemberNotFoundError',
    'LastOwnerError', 'OrganizationRoleInvalidError', 'InvitationInvalidError', 'InvitationNotFoundError', 'OrganizationMfaRequiredError', 'InvitationEmailMismatchError', 'OrganizationAlreadyMemberError',
    'OrganizationEventPayload', 'OrganizationMemberRemovedEvent', 'OrganizationSwitchedEvent',
    // Session claims a feature keeps current, checked by the one session command (401 access_token_stale).
    'SESSION_CLAIMS', 'SessionClaimsSource', 'SESSION_VERSIONS', 'SessionVersions', 'SessionVersionCheck', 'AccessTokenStaleError',
    // Passkeys (issue 24, `passkeys` option): services, the two store ports and their adapters, mails, events, errors.
    'PasskeyOptions', 'PasskeyStores', 'PasskeyAccounts', 'PasskeySignIn', 'PasskeyView',
    'PasskeyCredentialStore', 'PasskeyChallengeStore', 'StoredPasskey', 'PasskeyChallengeRecord', 'AddPasskeyResult', 'RecordUseResult',
    'MemoryPasskeyCredentialStore', 'MemoryPasskeyChallengeStore', 'RedisPasskeyCredentialStore', 'RedisPasskeyChallengeStore',
    'PasskeyNoticeKind', 'PasskeyNoticeMailContext', 'PasskeyNoticeMailTemplate', 'PasskeyEventPayload', 'PasskeyUsedEvent', 'PasskeyFailedEvent',
    'PasskeyChallengeInvalidError', 'PasskeyOriginInvalidError', 'PasskeyCounterInvalidError', 'PasskeyInvalidError', 'PasskeyAlreadyRegisteredError',
    'PasskeyLimitReachedError', 'PasskeyNotFoundError', 'PasskeyLastFactorError',
    // API keys and magic links (issue 26): the kernel's bearer extension point, the decorator, services, the store port
    // and adapters, errors, events, options.
    'BEARER_AUTHENTICATOR', 'BearerAuthenticator', 'ApiKeysOptions', 'AllowApiKey', 'ALLOW_API_KEY_KEY', 'ApiKeyRoute', 'ApiKeyRouteOption',
    'ApiKeysService', 'ApiKeyView', 'CreatedApiKey', 'NewApiKey', 'ApiKeyStore', 'ApiKeyRecord', 'ApiKeyOwner', 'CheckApiKeyInput',
    'CheckApiKeyResult', 'MemoryApiKeyStore', 'RedisApiKeyStore', 'ApiKeyEventPayload', 'MagicLinkOptions', 'MagicLinkService',
    'ApiKeyInvalidError', 'ApiKeyNotAcceptedError', 'ApiKeyScopeError', 'ApiKeyLimitError', 'ApiKeyNotFoundError',
  ],
  passport: ['AuthkitJwtStrategy', 'AUTHKIT_JWT_STRATEGY', 'AuthkitAuthGuard', 'googlePassportProfile', 'githubPassportProfile'],
  testing: [
    'describeUserStoreContract', 'UserStoreFactory', 'UserStoreProbe', 'describeCredentialStoreContract', 'CredentialStoreFactory',
    'describeIdentityStoreContract', 'IdentityStoreUnderTest', 'UserPorts', 'PortsUnderTest',
    'describeSessionStoreContract', 'SessionStoreFactory', 'SESSION_CONTRACT_SETTINGS',
    'describeLoginThrottlerContract', 'ThrottlerFactory', 'describeRouteThrottleContract', 'RouteThrottleFactory', 'ManualClock',
    'describeUserStoreDeletionContract', 'describeOneTimeTokenStoreContract', 'OneTimeTokenStoreFactory',
    // Testing an app (issue 21): a test user, a signed-in session in one line, a stub principal for overrideGuard.
    'createTestUser', 'signInAs', 'AuthTestApp', 'TestUserInput', 'TestUser', 'TestSession', 'StubAccessTokenGuard', 'StubPrincipal',
    // The MFA stores' contract suites (issue 23).
    'describeMfaFactorStoreContract', 'describeMfaChallengeStoreContract', 'MfaFactorStoreFactory', 'MfaChallengeStoreFactory',
    'describeOrganizationStoreContract', 'OrganizationStoresFactory',
    'describePasskeyCredentialStoreContract', 'describePasskeyChallengeStoreContract', 'PasskeyCredentialStoreFactory', 'PasskeyChallengeStoreFactory',
    'SoftAuthenticator', 'SoftCredential', 'SoftAlgorithm', 'SoftCeremonyOptions', 'SoftCreateOptions',
    // The API-key store's contract suite (issue 26).
    'describeApiKeyStoreContract', 'ApiKeyStoreFactory',
  ],
};

describe('the public API (lib/index.ts and the subpaths)', () => {
  for (const [entry, expected] of Object.entries(PUBLIC_API)) {
    it(`${entry}: exports exactly the reviewed list`, () => {
      const actual = exportedNames(join(__dirname, '../../lib', `${entry}.ts`));
      const added = actual.filter((name) => !expected.includes(name));
      const removed = expected.filter((name) => !actual.includes(name));
      expect({ added, removed }).toEqual({ added: [], removed: [] });
    });
  }

  it('exports VerifiedAccessToken (the guard result type) and no resolver internals', () => {
    const names = exportedNames(join(__dirname, '../../lib/index.ts'));
    expect(names).toContain('VerifiedAccessToken');
    expect(names.filter((name) => /^resolve|^has[A-Z]|^throttledLogin$|^OAuth2Client$/.test(name))).toEqual([]);
  });
});

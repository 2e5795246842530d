/** The kinds of one-time tokens the module's features issue (`AuthFeatureParts.oneTimeTokenKinds`), as one list. */
export const ONE_TIME_TOKEN_KINDS = Symbol('AUTHKIT_ONE_TIME_TOKEN_KINDS');

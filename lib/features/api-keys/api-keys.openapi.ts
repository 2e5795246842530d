import type { Type } from '@nestjs/common';
import {
  documentRoutes, JSON_BODY_ERRORS, loadSwagger, Model, requestModel, ROLE_MISSING, SIGNED_IN, STORE_DOWN,
} from '../../core/http/openapi';
import type { ResolvedApiKeysOptions } from './api-keys.options';

const SCOPES = { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9:._-]{1,64}$' }, maxItems: 32 };
const CREATE_REQUEST = requestModel('AuthkitApiKeyRequest', {
  name: { type: 'string', minLength: 1, maxLength: 100 }, scopes: SCOPES, expiresInDays: { type: 'integer', minimum: 1 },
}, ['scopes', 'expiresInDays']);
const FIELDS = {
  id: { type: 'string' }, name: { type: 'string' }, prefix: { type: 'string', description: "the key's first characters, to recognise it" },
  scopes: { type: 'array', items: { type: 'string' } }, expiresAt: { type: 'string', format: 'date-time', nullable: true },
};
const CREATED = new Model('AuthkitCreatedApiKey', { ...FIELDS, key: { type: 'string', description: 'the key, shown this once' } });
const LISTED = new Model('AuthkitApiKey', {
  ...FIELDS, createdAt: { type: 'string', format: 'date-time' }, lastUsedAt: { type: 'string', format: 'date-time', nullable: true },
});

/** Documents the API-key routes (and the admin's, when mounted), when the app has `@nestjs/swagger`. */
export function documentApiKeyRoutes(controllers: { keys: Type; admin?: Type }, options: ResolvedApiKeysOptions): void {
  const swagger = loadSwagger();
  if (!swagger) return;
  const enabled = options.enabled;
  documentRoutes(swagger, controllers.keys, {
    create: {
      summary: 'Create an API key (a recent sign-in); the key is in this answer only', enabled, security: ['bearer'], body: CREATE_REQUEST,
      success: { status: 201, description: 'The new key', schema: CREATED },
      errors: [[400, ['validation_failed', 'malformed_json']], [401, [...SIGNED_IN[1], 'reauthentication_required']], [409, ['api_key_limit_reached']],
        ...JSON_BODY_ERRORS, STORE_DOWN],
    },
    list: { summary: "The signed-in user's API keys (never the key)", enabled, security: ['bearer'], success: { status: 200, description: 'Keys', schema: [LISTED] }, errors: [SIGNED_IN, STORE_DOWN] },
    revoke: {
      summary: 'Revoke an API key: its next request gets 401', enabled, security: ['bearer'], success: { status: 204, description: 'Revoked' },
      errors: [SIGNED_IN, [404, ['api_key_not_found']], STORE_DOWN],
    },
  });
  if (controllers.admin) {
    documentRoutes(swagger, controllers.admin, {
      list: { summary: "A user's API keys (admin)", enabled, security: ['bearer'], success: { status: 200, description: 'Keys', schema: [LISTED] }, errors: [SIGNED_IN, ROLE_MISSING, STORE_DOWN] },
      revoke: {
        summary: "Revoke a user's API key (admin)", enabled, security: ['bearer'], success: { status: 204, description: 'Revoked' },
        errors: [SIGNED_IN, ROLE_MISSING, [404, ['api_key_not_found']], STORE_DOWN],
      },
    });
  }
}

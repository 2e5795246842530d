import type { Type } from '@nestjs/common';
import {
  addExtraModels, apply, applySecurity, ERROR_MODEL, type ErrorDoc, errorResponses, loadSwagger, Model, SIGNED_IN, STORE_DOWN, type SuccessDoc, successResponse,
} from '../../core/http/openapi';
import type { ResolvedOAuthOptions } from './oauth.options';

/** The OAuth routes of each built-in provider, and those of passport sources (`:provider`). */
const OAUTH_ROUTES: Record<string, { provider: string | null; summary: string; security: ('bearer')[] }> = {
  google: { provider: 'google', summary: 'Start Google sign-in (302 to Google)', security: [] },
  googleCallback: { provider: 'google', summary: 'Google callback (302 to the success or failure URL)', security: [] },
  googleLink: { provider: 'google', summary: 'Link a Google account to the signed-in user', security: ['bearer'] },
  github: { provider: 'github', summary: 'Start GitHub sign-in (302 to GitHub)', security: [] },
  githubCallback: { provider: 'github', summary: 'GitHub callback (302 to the success or failure URL)', security: [] },
  githubLink: { provider: 'github', summary: 'Link a GitHub account to the signed-in user', security: ['bearer'] },
  source: { provider: null, summary: 'Start sign-in with a passport source', security: [] },
  sourceCallback: { provider: null, summary: 'Passport source callback', security: [] },
  sourceLink: { provider: null, summary: 'Link a passport source account', security: ['bearer'] },
  listIdentities: { provider: '*', summary: "The user's linked provider accounts", security: ['bearer'] },
  unlinkIdentity: { provider: '*', summary: 'Unlink a provider account', security: ['bearer'] },
};

/** The redirecting routes answer 302; the identity routes answer JSON or 204 (`IdentitiesController`). */
const REDIRECT = { status: 302, description: 'Redirect' };
const REDIRECT_ERRORS: ErrorDoc[] = [[401, ['oauth_state_invalid', 'oauth_access_denied', 'oauth_code_rejected']], [404, ['oauth_provider_not_configured']],
  [503, ['oauth_provider_unavailable', 'store_unavailable']]];
const IDENTITY_MODEL = new Model('AuthkitIdentity', {
  provider: { type: 'string' }, email: { type: 'string', nullable: true }, emailVerified: { type: 'boolean' }, linkedAt: { type: 'string', format: 'date-time' },
});
const RESPONSES: Record<string, { success: SuccessDoc; errors: ErrorDoc[] }> = {
  listIdentities: {
    success: { status: 200, description: 'One entry per linked provider account', schema: [IDENTITY_MODEL] },
    errors: [SIGNED_IN, STORE_DOWN],
  },
  unlinkIdentity: {
    success: { status: 204, description: 'Unlinked' },
    errors: [SIGNED_IN, [404, ['oauth_identity_not_found']], [409, ['last_sign_in_method']], STORE_DOWN],
  },
};


/** Documents the OAuth routes of the configured providers and passport sources, when the app has `@nestjs/swagger`. */
export function documentOAuthRoutes(oauthController: Type, oauth: Pick<ResolvedOAuthOptions, 'providers' | 'passport'>): void {
  const swagger = loadSwagger();
  if (!swagger) return;
  swagger.ApiTags('auth')(oauthController);
  addExtraModels(swagger, oauthController, [ERROR_MODEL]);
  const builtIn = Object.keys(oauth.providers ?? {});
  const sources = Object.keys(oauth.passport ?? {});
  for (const [method, doc] of Object.entries(OAUTH_ROUTES)) {
    const configured = doc.provider === '*' ? builtIn.length + sources.length > 0 : doc.provider === null ? sources.length > 0 : builtIn.includes(doc.provider);
    // Set either way: the route functions are shared by every mount of the controller.
    apply(swagger.ApiExcludeEndpoint(!configured), oauthController, method);
    if (!configured) continue;
    const { success, errors } = RESPONSES[method] ?? { success: REDIRECT, errors: REDIRECT_ERRORS };
    const decorators = [
      swagger.ApiOperation({ summary: doc.summary }),
      successResponse(swagger, success),
      ...errorResponses(swagger, errors),
    ];
    for (const decorator of decorators) apply(decorator, oauthController, method);
    applySecurity(swagger, oauthController, method, doc.security);
  }
}

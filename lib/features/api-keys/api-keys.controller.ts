import { Body, Delete, Get, Header, HttpCode, HttpStatus, Inject, Param, Post, Req, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import type { AuthenticatedUser } from '../../core/auth.types';
import { CurrentUser } from '../../core/decorators/current-user.decorator';
import { RequireRecentAuth } from '../../core/decorators/require-recent-auth.decorator';
import { Roles } from '../../core/decorators/roles.decorator';
import { AccessTokenGuard } from '../../core/guards/access-token.guard';
import { RolesGuard } from '../../core/guards/roles.guard';
import { AuthExceptionFilter } from '../../core/http/auth-exception.filter';
import { authValidationPipe } from '../../core/http/auth-validation.pipe';
import { type ClientRequest, clientInfo } from '../../core/http/client-info';
import { requireFeature } from '../../core/http/feature-disabled';
import { JsonContentTypeGuard } from '../../core/http/json-content-type.guard';
import { CreateApiKeyDto } from './api-keys.dto';
import { API_KEYS_OPTIONS, type ResolvedApiKeysOptions } from './api-keys.options';
import { type ApiKeyView, ApiKeysService, type CreatedApiKey } from './api-keys.service';

/**
 * `POST/GET/DELETE <prefix>/api-keys` (404 without the `apiKeys` option). Access tokens only: these routes never
 * accept an API key (a key cannot mint or list keys). Thin: `ApiKeysService` does the work.
 */
@UsePipes(authValidationPipe)
@UseFilters(AuthExceptionFilter)
export class ApiKeysController {
  constructor(protected readonly keys: ApiKeysService, @Inject(API_KEYS_OPTIONS) protected readonly options: ResolvedApiKeysOptions) {}

  /** 201 `{ id, name, key, prefix, scopes, expiresAt }`: the key is shown this once. 401 `reauthentication_required`, 409, 400. */
  @RequireRecentAuth()
  @UseGuards(AccessTokenGuard, JsonContentTypeGuard)
  @Post('api-keys')
  @HttpCode(HttpStatus.CREATED)
  @Header('Cache-Control', 'no-store')
  create(@CurrentUser() user: AuthenticatedUser, @Body() body: CreateApiKeyDto, @Req() req: ClientRequest): Promise<CreatedApiKey> {
    requireFeature(this.options.enabled);
    return this.keys.create(user.id, body, clientInfo(req));
  }

  /** 200: the user's live keys (never a key). */
  @UseGuards(AccessTokenGuard)
  @Get('api-keys')
  @Header('Cache-Control', 'no-store')
  list(@CurrentUser() user: AuthenticatedUser): Promise<ApiKeyView[]> {
    requireFeature(this.options.enabled);
    return this.keys.list(user.id);
  }

  /** 204: the key's next request gets 401. 404 `api_key_not_found` (also for another user's key). */
  @UseGuards(AccessTokenGuard)
  @Delete('api-keys/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async revoke(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Req() req: ClientRequest): Promise<void> {
    requireFeature(this.options.enabled);
    await this.keys.revoke(user.id, id, { client: clientInfo(req) });
  }
}

/** `GET/DELETE <prefix>/admin/users/:id/api-keys[/:keyId]` (the `adminRoutes` extra, `admin` role). */
@Roles('admin')
@UseGuards(AccessTokenGuard, RolesGuard)
@UseFilters(AuthExceptionFilter)
export class ApiKeysAdminController {
  constructor(protected readonly keys: ApiKeysService, @Inject(API_KEYS_OPTIONS) protected readonly options: ResolvedApiKeysOptions) {}

  @Get('admin/users/:id/api-keys')
  @Header('Cache-Control', 'no-store')
  list(@Param('id') id: string): Promise<ApiKeyView[]> {
    requireFeature(this.options.enabled);
    return this.keys.list(id);
  }

  @Delete('admin/users/:id/api-keys/:keyId')
  @HttpCode(HttpStatus.NO_CONTENT)
  async revoke(@Param('id') id: string, @Param('keyId') keyId: string, @CurrentUser() me: AuthenticatedUser, @Req() req: ClientRequest): Promise<void> {
    requireFeature(this.options.enabled);
    await this.keys.revoke(id, keyId, { actorId: me.id, client: clientInfo(req) });
  }
}

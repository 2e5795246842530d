import { Body, Delete, Get, Header, HttpCode, HttpStatus, Param, Post, Put, Req, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import type { AuthenticatedUser, SessionView } from '../../core/auth.types';
import { CurrentUser } from '../../core/decorators/current-user.decorator';
import { Roles } from '../../core/decorators/roles.decorator';
import { AccessTokenGuard } from '../../core/guards/access-token.guard';
import { RolesGuard } from '../../core/guards/roles.guard';
import { AdminActorGuard } from './admin-actor.guard';
import { type AdminActor, AuthAdminService, type AdminUserView } from './auth-admin.service';
import { SetRolesDto } from './admin.dto';
import { AuthExceptionFilter } from '../../core/http/auth-exception.filter';
import { authValidationPipe } from '../../core/http/auth-validation.pipe';
import { type ClientRequest, clientInfo } from '../../core/http/client-info';
import { JsonContentTypeGuard } from '../../core/http/json-content-type.guard';

/**
 * Admin routes under `<prefix>/admin`, mounted with the `adminRoutes: true` extra (off by default), for users with
 * the `admin` role (401 without a token, 403 without the role). The actor's roles are those of the `UserStore` at
 * the time of the request, not only the token's (`AdminActorGuard`). Thin: `AuthAdminService` does the work.
 */
@Roles('admin')
@UseGuards(AccessTokenGuard, RolesGuard, AdminActorGuard)
@UsePipes(authValidationPipe)
@UseFilters(AuthExceptionFilter)
export class AdminController {
  constructor(protected readonly admin: AuthAdminService) {}

  @Get('admin/users/:id')
  @Header('Cache-Control', 'no-store')
  getUser(@Param('id') id: string): Promise<AdminUserView> {
    return this.admin.getUser(id);
  }

  @UseGuards(JsonContentTypeGuard)
  @Put('admin/users/:id/roles')
  @HttpCode(HttpStatus.NO_CONTENT)
  async setRoles(@Param('id') id: string, @Body() body: SetRolesDto, @CurrentUser() me: AuthenticatedUser, @Req() req: ClientRequest): Promise<void> {
    await this.admin.setRoles(id, body.roles, this.actor(me, req));
  }

  @Post('admin/users/:id/disable')
  @HttpCode(HttpStatus.NO_CONTENT)
  async disable(@Param('id') id: string, @CurrentUser() me: AuthenticatedUser, @Req() req: ClientRequest): Promise<void> {
    await this.admin.disable(id, this.actor(me, req));
  }

  @Post('admin/users/:id/enable')
  @HttpCode(HttpStatus.NO_CONTENT)
  async enable(@Param('id') id: string, @CurrentUser() me: AuthenticatedUser, @Req() req: ClientRequest): Promise<void> {
    await this.admin.enable(id, this.actor(me, req));
  }

  @Get('admin/users/:id/sessions')
  @Header('Cache-Control', 'no-store')
  sessions(@Param('id') id: string): Promise<SessionView[]> {
    return this.admin.listSessions(id);
  }

  @Delete('admin/users/:id/sessions')
  @HttpCode(HttpStatus.NO_CONTENT)
  async revokeAll(@Param('id') id: string, @CurrentUser() me: AuthenticatedUser, @Req() req: ClientRequest): Promise<void> {
    await this.admin.revokeSessions(id, undefined, this.actor(me, req));
  }

  @Delete('admin/users/:id/sessions/:sessionId')
  @HttpCode(HttpStatus.NO_CONTENT)
  async revokeOne(
    @Param('id') id: string, @Param('sessionId') sessionId: string, @CurrentUser() me: AuthenticatedUser, @Req() req: ClientRequest,
  ): Promise<void> {
    await this.admin.revokeSessions(id, sessionId, this.actor(me, req));
  }

  @Delete('admin/users/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async deleteUser(@Param('id') id: string, @CurrentUser() me: AuthenticatedUser, @Req() req: ClientRequest): Promise<void> {
    await this.admin.deleteUser(id, this.actor(me, req));
  }

  protected actor(me: AuthenticatedUser, req: ClientRequest): AdminActor {
    return { ...clientInfo(req), actorId: me.id };
  }
}

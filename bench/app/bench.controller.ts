import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AllowApiKey, CurrentUser, OrgRoles, Public, Roles } from '../../lib';
import { AUTHKIT_JWT_STRATEGY } from '../../lib/passport';
import { JwtAuthGuard } from './docs-recipe/jwt-auth.guard';

/** Answer bodies are the same shape and about the same size on every route, so only the guard differs. */
interface Answer {
  ok: true;
  id: string | null;
}

/** The routes the benchmark drives. Apart from `/recipe`, everything goes through the library's public API. */
@Controller()
export class BenchController {
  /**
   * Row 1, the ceiling: public, no I/O. The global guards only read `@Public()`. It takes the same
   * parameter as the guarded handlers (undefined here), so that Nest's parameter handling is the same on
   * both sides and only the guards' work differs.
   */
  @Public()
  @Get()
  open(@CurrentUser('id') id: string | undefined): Answer {
    return { ok: true, id: id ?? null };
  }

  /** Rows 2 and 3: any signed-in user (global `AccessTokenGuard`; session or stateless by the app's options). */
  @Get('guarded')
  guarded(@CurrentUser('id') id: string): Answer {
    return { ok: true, id };
  }

  /** Row 2k: an API key (`@AllowApiKey()`, global `AccessTokenGuard` and its API-key authenticator). */
  @AllowApiKey()
  @Get('keyed')
  keyed(@CurrentUser('id') id: string): Answer {
    return { ok: true, id };
  }

  /** Row 4: `@Roles('admin')` (global `AccessTokenGuard` + `RolesGuard`). */
  @Roles('admin')
  @Get('admin')
  admin(@CurrentUser('id') id: string): Answer {
    return { ok: true, id };
  }

  /** Redis cost only (the organizations app): `@OrgRoles('admin')` on the session's active organization. */
  @OrgRoles('admin')
  @Get('org-admin')
  orgAdmin(@CurrentUser('id') id: string): Answer {
    return { ok: true, id };
  }

  /** Row 5, the reference: the NestJS docs recipe (passport-jwt, string secret). */
  @Public()
  @UseGuards(JwtAuthGuard)
  @Get('recipe')
  recipe(@Req() request: { user: { userId: string } }): Answer {
    return { ok: true, id: request.user.userId };
  }

  /** Extra row: the library's own passport strategy through `AuthGuard('authkit-jwt')`. */
  @Public()
  @UseGuards(AuthGuard(AUTHKIT_JWT_STRATEGY))
  @Get('passport')
  passport(@CurrentUser('id') id: string): Answer {
    return { ok: true, id };
  }
}

import type { AuthFeature } from '../../core/feature/auth-feature';
import { openApiDocs } from '../../core/feature/auth-feature';
import { AdminController } from './admin.controller';
import { documentAdminRoutes } from './admin.openapi';
import { AuthAdminService } from './auth-admin.service';

/** User administration: `AuthAdminService`, and its routes under `<prefix>/admin` with the `adminRoutes` extra. */
export const adminFeature: AuthFeature = {
  name: 'admin',
  build: (context) => {
    if (!context.controllers || !context.adminRoutes) return { providers: [AuthAdminService], exports: [AuthAdminService] };
    const controller = context.mount(AdminController);
    return {
      providers: [AuthAdminService, openApiDocs('admin', [], () => documentAdminRoutes(controller))],
      exports: [AuthAdminService],
      controllers: [controller],
    };
  },
};

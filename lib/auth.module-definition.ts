import { ConfigurableModuleBuilder, type DynamicModule } from '@nestjs/common';
import type { AuthModuleOptions } from './auth.options';

/** Options of `forRoot`/`forRootAsync` that shape the module itself, so they cannot be async. */
export interface AuthModuleExtras {
  /** Make the module's providers (guards, services) injectable everywhere. Default true. */
  isGlobal?: boolean;
  /** Register `AccessTokenGuard` and `RolesGuard` as global guards. Default true. */
  globalGuards?: boolean;
  /** Mount `AuthController`. Default true. */
  controller?: boolean;
  /** Path of the auth routes. Default `auth`. */
  routePrefix?: string;
}

export const AUTH_MODULE_EXTRAS_DEFAULTS: Required<AuthModuleExtras> = {
  isGlobal: true,
  globalGuards: true,
  controller: true,
  routePrefix: 'auth',
};

type Extend = (definition: DynamicModule, extras: AuthModuleExtras) => DynamicModule;
let extend: Extend = (definition) => definition;

/** Called once by `auth.module.ts` to plug in the module assembly (avoids an import cycle). */
export function setAuthModuleAssembly(fn: Extend): void {
  extend = fn;
}

export const {
  ConfigurableModuleClass: ConfigurableAuthModule,
  MODULE_OPTIONS_TOKEN: AUTH_MODULE_OPTIONS,
  OPTIONS_TYPE: AUTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: AUTH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AuthModuleOptions>({ moduleName: 'AuthKit' })
  .setClassMethodName('forRoot')
  .setExtras<AuthModuleExtras>(AUTH_MODULE_EXTRAS_DEFAULTS, (definition, extras) => extend(definition, extras))
  .build();

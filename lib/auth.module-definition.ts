import { ConfigurableModuleBuilder } from '@nestjs/common';
import { AUTH_MODULE_OPTIONS } from './core/auth.constants';
import { AUTH_MODULE_EXTRAS_DEFAULTS, type AuthModuleExtras } from './auth.module-extras';
import type { AuthModuleOptions } from './auth.options';
import { assembleAuthModule } from './auth.providers';

/** `forRoot` / `forRootAsync` (with `useFactory`, `useClass` or `useExisting`), built by Nest's `ConfigurableModuleBuilder`. */
export const {
  ConfigurableModuleClass: ConfigurableAuthModule,
  OPTIONS_TYPE: AUTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: AUTH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AuthModuleOptions>({ moduleName: 'AuthKit', optionsInjectionToken: AUTH_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setExtras<AuthModuleExtras>(AUTH_MODULE_EXTRAS_DEFAULTS, assembleAuthModule)
  .build();

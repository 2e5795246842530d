import type { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AuthExceptionFilter } from '../lib';
import { allowedOriginsFromEnv } from './app.module';

/** App-wide settings of the sample, shared by main.ts and the sample's e2e tests. */
export function configureSampleApp(app: INestApplication): INestApplication {
  app.enableShutdownHooks();
  // The library's error shape ({ statusCode, code, message }) also for body-parser errors (malformed JSON).
  app.useGlobalFilters(app.get(AuthExceptionFilter));
  // A front end on another origin of the SAME SITE (https://app.example.com calling https://api.example.com)
  // needs CORS with credentials. Only those origins: the SameSite=Strict refresh cookie is never sent from
  // another site, whatever CORS allows (docs/front-end-guide.md).
  const origins = allowedOriginsFromEnv(app.get(ConfigService));
  if (origins.length > 0) app.enableCors({ origin: origins, credentials: true });
  return app;
}

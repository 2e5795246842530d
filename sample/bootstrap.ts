import type { INestApplication } from '@nestjs/common';
import { AuthExceptionFilter } from '../lib';

/** App-wide settings of the sample, shared by main.ts and the sample's e2e test. */
export function configureSampleApp(app: INestApplication): INestApplication {
  app.enableShutdownHooks();
  // The library's error shape ({ statusCode, code, message }) also for body-parser errors (malformed JSON).
  app.useGlobalFilters(app.get(AuthExceptionFilter));
  return app;
}

import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { configureSampleApp } from './bootstrap';

async function bootstrap(): Promise<void> {
  const app = configureSampleApp(await NestFactory.create(AppModule));
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen(port, host);
  new Logger('Sample').log(`nestjs-authkit sample listening on http://${host}:${port}`);
}

void bootstrap();

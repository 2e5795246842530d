import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureSampleApp } from './bootstrap';

async function bootstrap(): Promise<void> {
  // HTTP_ADAPTER=fastify serves the same contract on Fastify (same 100 KB body limit as Express).
  const app = configureSampleApp(
    process.env.HTTP_ADAPTER === 'fastify'
      ? await NestFactory.create(AppModule, new FastifyAdapter({ bodyLimit: 100 * 1024 }))
      : await NestFactory.create(AppModule),
  );
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen(port, host);
  const logger = new Logger('Sample');
  logger.log(`nestjs-authkit sample listening on http://${host}:${port} (web page: /app)`);
  const loopback = /^(localhost|127(\.\d{1,3}){3}|::1)$/i.test(host);
  // The library's default: a Secure cookie unless NODE_ENV is development or test (the sample does not override it).
  const secureCookie = !['development', 'test'].includes(process.env.NODE_ENV ?? '');
  if (!loopback && secureCookie) {
    logger.warn(
      `HOST ${host} is not loopback and the refresh cookie is Secure: browsers drop it over plain http except on ` +
        'localhost/127.0.0.1, so sign-ins would not survive a refresh. Serve the sample behind https, or open it on ' +
        'localhost, or set NODE_ENV=development (no Secure cookie) for a test on your network.',
    );
  }
}

void bootstrap();

import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * What the Chromium suites share (browser, mfa-browser, passkeys-browser, oidc-browser, sample-lifecycle): Debian's Chromium driven by playwright-core
 * (never a browser download), and the sample app started in the test process from an environment.
 */
export const CHROMIUM_EXECUTABLE = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** A headless Chromium; close it in `afterAll`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_ARGS });
}

/**
 * The sample app (`sample/app.module.ts`, configured as `npm run sample` does) listening on 127.0.0.1:`port`, built
 * under `env` (undefined: unset); the process environment is restored once it is built.
 */
export async function startSampleApp(port: number, env: Record<string, string | undefined>): Promise<INestApplication> {
  const saved: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(env)) {
    saved[name] = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  try {
    const { AppModule } = await import('../../sample/app.module');
    const { configureSampleApp } = await import('../../sample/bootstrap');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = configureSampleApp(moduleRef.createNestApplication({ logger: false }));
    await app.listen(port, '127.0.0.1');
    return app;
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** The few DOM globals the in-page callbacks touch (this project compiles without the DOM lib). */
interface StatusGlobals {
  document: { getElementById(id: string): { textContent: string | null } | null };
}

/** Waits until the sample page's `#status` reads `text` ("You are signed in." / "You are signed out."). */
export async function statusIs(page: Page, text: string): Promise<void> {
  await page.waitForFunction((expected) => (globalThis as unknown as StatusGlobals).document.getElementById('status')?.textContent === expected, text);
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Body, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { toString as qrCodeSvg } from 'qrcode';
import { ConfigService } from '@nestjs/config';
import { Public, ValidationFailedError } from '../lib';
import { oauthOptionsFromEnv } from './oauth-from-env';
import { oidcOptionsFromEnv } from './oidc-from-env';

const PUBLIC_DIR = join(__dirname, 'public');

/** No inline script or style, no framing, requests to this origin only. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'";

/**
 * The sample web page (`GET /app`, plain HTML + `app.js`, no build step): the library used from a browser.
 * Files are read once at start-up; the page learns the configured OAuth providers from `data-providers`.
 */
@Public()
@Controller('app')
export class SamplePageController {
  private readonly html: string;
  private readonly scriptText = readFileSync(join(PUBLIC_DIR, 'app.js'), 'utf8');
  private readonly styleText = readFileSync(join(PUBLIC_DIR, 'app.css'), 'utf8');

  constructor(config: ConfigService) {
    // The providers the sample configured from its environment (as AppModule does).
    const oauth = oauthOptionsFromEnv(config);
    const providers = (['google', 'github'] as const).filter((name) => oauth?.[name]).join(',');
    // An OpenID Connect provider's name (OIDC_NAME) is a route segment: lower-case letters, digits and '-' (validated).
    const oidc = Object.keys(oidcOptionsFromEnv(config) ?? {}).filter((name) => /^[a-z][a-z0-9-]{0,31}$/.test(name)).join(',');
    this.html = readFileSync(join(PUBLIC_DIR, 'app.html'), 'utf8').replace('{{providers}}', providers).replace('{{oidc}}', oidc);
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  @Header('Cache-Control', 'no-cache')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Referrer-Policy', 'no-referrer')
  page(): string {
    return this.html;
  }

  @Get('app.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header('X-Content-Type-Options', 'nosniff')
  script(): string {
    return this.scriptText;
  }

  /**
   * The QR code of an `otpauth://` URI (from `POST /auth/mfa/totp/setup`) as SVG markup, for the page to show: the
   * page has no build step to bundle `qrcode`, and its CSP allows no `data:` image. Posted, never in a URL.
   */
  @Post('qr')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async qr(@Body() body: { otpauthUrl?: unknown }): Promise<{ svg: string }> {
    const url = body?.otpauthUrl;
    if (typeof url !== 'string' || !url.startsWith('otpauth://totp/') || url.length > 512) throw new ValidationFailedError(['otpauthUrl must be an otpauth:// URI']);
    return { svg: await qrCodeSvg(url, { type: 'svg', margin: 2, width: 200 }) };
  }

  @Get('app.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header('X-Content-Type-Options', 'nosniff')
  style(): string {
    return this.styleText;
  }
}

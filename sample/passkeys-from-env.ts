import type { ConfigService } from '@nestjs/config';
import type { PasskeyOptions } from '../lib';

/**
 * Passkeys for the sample: `AUTH_PASSKEY_RP_ID` (default `localhost`) and `AUTH_PASSKEY_ORIGINS` (comma-separated,
 * default the sample's own `http://localhost:PORT`). Browsers allow WebAuthn on https origins and on localhost only:
 * open the page at http://localhost:PORT/app, not 127.0.0.1.
 */
export function passkeyOptionsFromEnv(config: ConfigService): PasskeyOptions {
  const rpId = config.get<string>('AUTH_PASSKEY_RP_ID') || 'localhost';
  const origins = (config.get<string>('AUTH_PASSKEY_ORIGINS') || `http://localhost:${config.get<string>('PORT') || 3000}`)
    .split(',').map((origin) => origin.trim()).filter(Boolean);
  return { rpId, rpName: 'nestjs-authkit sample', origins };
}

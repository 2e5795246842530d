import { createHmac, randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { clientIpKey } from '../throttling/client-ip';

/** The security-relevant events written to the log. */
export type SecurityEventType =
  | 'login_failed'
  | 'login_throttled'
  | 'request_throttled'
  | 'registration_email_taken'
  | 'sessions_revoked'
  | 'session_revoked';

/** What a line may carry: ids and a pseudonymous email hash, never an email, a password or a token. */
export interface SecurityEventFields {
  userId?: string;
  sessionId?: string;
  /** Hashed before it is written (`emailHash`). */
  email?: string;
  /** Written as its throttling key (`clientIpKey`: IPv6 by /64). */
  ip?: string;
  reason?: string;
  /** The throttled action (`request_throttled`): the route in snake case (`register`, `password_forgot`...). */
  action?: string;
  count?: number;
}

/**
 * A short pseudonym of an email for log lines: 16 hex digits of its HMAC-SHA256 under `key` (a server key: the
 * module derives it from the refresh-token key). Lines about one address correlate (one key, one pseudonym);
 * without the key a guessed address cannot be tested against the log (an unsalted hash could be, from a list
 * of candidates, in milliseconds).
 */
export function emailLogHash(email: string, key: Buffer): string {
  return createHmac('sha256', key).update(email).digest('hex').slice(0, 16);
}

/**
 * Structured security log lines, one JSON object per line under the `AuthKit` context:
 * `{"securityEvent":"login_failed","emailHash":"…","ip":"203.0.113.7"}` (`emailHash`: see `emailLogHash`). Failed logins, lockouts and
 * revocations at `warn`, so they stand out from routine logs.
 */
export class SecurityLog {
  /**
   * @param emailKey the key of the email pseudonyms (`emailLogHash`), the same on every instance so their lines
   * correlate; default a random key of this process (pseudonyms then change with each restart).
   */
  constructor(private readonly logger: Logger = new Logger('AuthKit'), private readonly emailKey: Buffer = randomBytes(32)) {}

  record(type: SecurityEventType, fields: SecurityEventFields = {}): void {
    const { email, ip, ...rest } = fields;
    const line: Record<string, unknown> = { securityEvent: type, ...rest };
    if (email !== undefined) line.emailHash = emailLogHash(email, this.emailKey);
    if (ip !== undefined) line.ip = clientIpKey(ip);
    this.logger.warn(JSON.stringify(line));
  }
}

import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { clientIpKey } from '../throttling/client-ip';

/** The security-relevant events written to the log. */
export type SecurityEventType =
  | 'login_failed'
  | 'login_throttled'
  | 'registration_throttled'
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
  count?: number;
}

/**
 * A short pseudonym of an email for log lines: 16 hex digits of its SHA-256. Lines about one address can be
 * correlated without the address in clear; someone holding the log can still test a guessed address, so the
 * log stays access-controlled like any security log.
 */
export function emailLogHash(email: string): string {
  return createHash('sha256').update(email).digest('hex').slice(0, 16);
}

/**
 * Structured security log lines, one JSON object per line under the `AuthKit` context:
 * `{"securityEvent":"login_failed","emailHash":"…","ip":"203.0.113.7"}`. Failed logins, lockouts and
 * revocations at `warn`, so they stand out from routine logs.
 */
export class SecurityLog {
  constructor(private readonly logger: Logger = new Logger('AuthKit')) {}

  record(type: SecurityEventType, fields: SecurityEventFields = {}): void {
    const { email, ip, ...rest } = fields;
    const line: Record<string, unknown> = { securityEvent: type, ...rest };
    if (email !== undefined) line.emailHash = emailLogHash(email);
    if (ip !== undefined) line.ip = clientIpKey(ip);
    this.logger.warn(JSON.stringify(line));
  }
}

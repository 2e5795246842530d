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

/** Lines of these types are aggregated (see `SecurityLog`): a flood of refusals must not become a flood of lines. */
const AGGREGATED: ReadonlySet<SecurityEventType> = new Set<SecurityEventType>(['login_throttled', 'request_throttled']);
/** The window of the aggregation: one line per subject, then its count when the window closes. */
export const THROTTLED_LOG_WINDOW_MS = 60_000;
/** Subjects held per window; past them, refusals are counted per type and action only (memory stays bounded). */
const MAX_AGGREGATED_SUBJECTS = 256;

/**
 * Structured security log lines, one JSON object per line under the `AuthKit` context:
 * `{"securityEvent":"login_failed","emailHash":"…","ip":"203.0.113.7"}` (`emailHash`: see `emailLogHash`). Failed logins, lockouts and
 * revocations at `warn`, so they stand out from routine logs.
 *
 * Throttled requests (`login_throttled`, `request_throttled`) are aggregated, so that a flood of 429s cannot flood
 * the log, and none is lost: the first refusal of a subject (type, action, email pseudonym, ip, user) in a window
 * (`THROTTLED_LOG_WINDOW_MS`) is written at once; the ones after it are counted and written as one line when the
 * window closes (`{"securityEvent":"login_throttled",…,"count":41,"aggregated":true,"windowSeconds":60}`, or per
 * type and action with `"aggregated":"overflow"` past 256 subjects), and by `flush()` on shutdown. Every refusal
 * still emits its `Throttled` event.
 */
export class SecurityLog {
  private readonly held = new Map<string, { line: Record<string, unknown>; count: number }>();
  private readonly overflow = new Map<string, { securityEvent: SecurityEventType; action?: unknown; count: number }>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param emailKey the key of the email pseudonyms (`emailLogHash`), the same on every instance so their lines
   * correlate; default a random key of this process (pseudonyms then change with each restart).
   * @param windowMs the aggregation window of throttled lines.
   */
  constructor(
    private readonly logger: Logger = new Logger('AuthKit'),
    private readonly emailKey: Buffer = randomBytes(32),
    private readonly windowMs: number = THROTTLED_LOG_WINDOW_MS,
  ) {}

  record(type: SecurityEventType, fields: SecurityEventFields = {}): void {
    const { email, ip, ...rest } = fields;
    const line: Record<string, unknown> = { securityEvent: type, ...rest };
    if (email !== undefined) line.emailHash = emailLogHash(email, this.emailKey);
    if (ip !== undefined) line.ip = clientIpKey(ip);
    if (!AGGREGATED.has(type)) return this.write(line);
    this.aggregate(line, type);
  }

  /** Writes the counts held back since the window opened, and opens a new one. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const windowSeconds = Math.round(this.windowMs / 1000);
    for (const { line, count } of this.held.values()) if (count > 0) this.write({ ...line, count, aggregated: true, windowSeconds });
    for (const entry of this.overflow.values()) this.write({ ...entry, aggregated: 'overflow', windowSeconds });
    this.held.clear();
    this.overflow.clear();
  }

  private aggregate(line: Record<string, unknown>, type: SecurityEventType): void {
    const key = JSON.stringify(line);
    const entry = this.held.get(key);
    if (entry) {
      entry.count++;
    } else if (this.held.size < MAX_AGGREGATED_SUBJECTS) {
      this.held.set(key, { line, count: 0 });
      this.write(line);
    } else {
      const overflowKey = `${type}\n${String(line.action ?? '')}`;
      const counted = this.overflow.get(overflowKey) ?? { securityEvent: type, ...(line.action === undefined ? {} : { action: line.action }), count: 0 };
      counted.count++;
      this.overflow.set(overflowKey, counted);
    }
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.windowMs);
      this.timer.unref?.();
    }
  }

  private write(line: Record<string, unknown>): void {
    this.logger.warn(JSON.stringify(line));
  }
}

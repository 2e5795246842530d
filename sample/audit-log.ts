import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AUTH_EVENT_NAMES, type AuthEventBase } from '../lib';

/**
 * An email as the audit log writes it: the first character and the domain (`a***@example.com`), so an operator
 * can tell accounts apart without the log holding addresses (or a password typed into the email field: no `@`,
 * nothing but `***`).
 */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return '***';
  return `${value[0]}***${value.slice(at)}`;
}

/**
 * The sample's audit trail: every library event, one log line each (`[audit] authkit.login.failed user=...`).
 * The payloads never carry a secret; emails are masked (`maskEmail`).
 */
@Injectable()
export class AuditLog implements OnModuleInit {
  private readonly logger = new Logger('Audit');

  constructor(private readonly emitter: EventEmitter2) {}

  onModuleInit(): void {
    for (const name of AUTH_EVENT_NAMES) this.emitter.on(name, (payload: AuthEventBase) => this.write(name, payload));
  }

  private write(name: string, payload: AuthEventBase): void {
    const { at, ...rest } = payload;
    const fields = Object.entries(rest).map(([key, value]) => {
      if (key === 'email' && typeof value === 'string') return `${key}=${maskEmail(value)}`;
      return `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
    });
    this.logger.log(`${name} ${fields.join(' ')} at=${new Date(at).toISOString()}`);
  }
}

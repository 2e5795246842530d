import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AUTH_EVENT_NAMES, type AuthEventBase } from '../lib';

/**
 * The sample's audit trail: every library event, one log line each (`[audit] authkit.login.failed user=...`).
 * The payloads never carry a secret, so they can be logged as they are.
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
    const fields = Object.entries(rest).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
    this.logger.log(`${name} ${fields.join(' ')} at=${new Date(at).toISOString()}`);
  }
}

import { Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AuthEvent } from '../../lib';
import { AuditLog, maskEmail } from '../../sample/audit-log';

describe("the sample's audit log", () => {
  it('masks emails (a***@example.com), a password typed into the email field too', () => {
    const emitter = new EventEmitter2();
    const lines: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => {
      lines.push(String(message));
    });
    try {
      new AuditLog(emitter).onModuleInit();
      emitter.emit(AuthEvent.LoginFailed, { at: Date.now(), reason: 'invalid_credentials', email: 'ada.lovelace@example.com', ip: '203.0.113.7' });
      emitter.emit(AuthEvent.LoginFailed, { at: Date.now(), reason: 'invalid_credentials', email: 'MySecretPassw0rd!', ip: '203.0.113.7' });
    } finally {
      spy.mockRestore();
    }
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('email=a***@example.com');
    expect(lines[0]).not.toContain('ada.lovelace');
    expect(lines[1]).toContain('email=***');
    expect(lines[1]).not.toContain('MySecretPassw0rd');
    expect(maskEmail('@example.com')).toBe('***');
  });
});

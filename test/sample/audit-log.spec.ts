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

describe("the sample's admin seeder", () => {
  it('logs the seeded admin masked, never the address', async () => {
    const { AdminSeeder } = await import('../../sample/admin-seeder');
    const { ConfigService } = await import('@nestjs/config');
    const created: unknown[] = [];
    const identity = { createUser: async (input: unknown) => { created.push(input); } };
    const config = new ConfigService({ SAMPLE_ADMIN_EMAIL: 'Grace.Hopper@Example.com', SAMPLE_ADMIN_PASSWORD: 'a long admin password' });
    const lines: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => {
      lines.push(String(message));
    });
    try {
      await new AdminSeeder(identity as never, config).onApplicationBootstrap();
    } finally {
      spy.mockRestore();
    }
    expect(created).toHaveLength(1);
    expect(lines).toEqual(['Seeded admin g***@example.com']);
  });
});

import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EmailTakenError, IdentityResolver, normalizeEmail } from '../lib';
import { maskEmail } from './audit-log';

/** Seeds an admin from SAMPLE_ADMIN_EMAIL / SAMPLE_ADMIN_PASSWORD; an existing account with that email is left as it is. */
@Injectable()
export class AdminSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('Sample');

  constructor(private readonly identity: IdentityResolver, private readonly config: ConfigService) {}

  async onApplicationBootstrap(): Promise<void> {
    const email = this.config.get<string>('SAMPLE_ADMIN_EMAIL');
    const password = this.config.get<string>('SAMPLE_ADMIN_PASSWORD');
    if (!email || !password) return;
    try {
      await this.identity.createUser({ email, password, roles: ['admin', 'user'], emailVerified: true });
      this.logger.log(`Seeded admin ${maskEmail(normalizeEmail(email))}`);
    } catch (error) {
      if (!(error instanceof EmailTakenError)) {
        this.logger.error(`Could not seed the admin: ${(error as Error).message}`);
      }
    }
  }
}

import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The app's users table as the library needs it. Emails are unique case-insensitively: the migration
 * (`create-users.migration.ts`) creates `UNIQUE (lower(email))`, which TypeORM decorators cannot express.
 */
@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  roles!: string[];

  @Column({ name: 'email_verified', type: 'boolean', default: false })
  emailVerified!: boolean;

  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  /** Incremented with every change of the password hash or of `disabled` (sessions older than it end). */
  @Column({ name: 'credential_version', type: 'integer', default: 0 })
  credentialVersion!: number;
}

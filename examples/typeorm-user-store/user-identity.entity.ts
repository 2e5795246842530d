import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A provider account (Google, GitHub, an OIDC issuer...) linked to a user: only OAuth needs this table. The
 * migration (`create-user-identities.migration.ts`) adds what decorators do not say: the foreign key to `users`
 * (deferred to the commit, so a user and its first identity are created in one transaction, identity first) and
 * the one-identity-per-provider-per-user constraint.
 */
@Entity('user_identities')
export class UserIdentityEntity {
  @PrimaryColumn({ type: 'text' })
  provider!: string;

  @PrimaryColumn({ name: 'provider_user_id', type: 'text' })
  providerUserId!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ name: 'email_verified', type: 'boolean', default: false })
  emailVerified!: boolean;

  @Column({ name: 'linked_at', type: 'timestamptz', default: () => 'now()' })
  linkedAt!: Date;
}

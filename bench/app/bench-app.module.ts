import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AuthModule } from '../../lib';
import { AuthkitJwtStrategy } from '../../lib/passport';
import { BenchController } from './bench.controller';
import { JwtStrategy } from './docs-recipe/jwt.strategy';

/** The origin the bench's passkey ceremonies claim (bench/support/operation-costs.ts). */
export const BENCH_PASSKEY_ORIGIN = 'http://localhost:8080';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`bench app: ${name} is not set`);
  return value;
}

/** `REDIS_CLUSTER_NODES` (`host:port,...`): a Redis Cluster instead of `REDIS_URL`'s standalone server. */
function redisOption(): { url: string } | { cluster: { nodes: { host: string; port: number }[] } } {
  const nodes = process.env.REDIS_CLUSTER_NODES;
  if (!nodes) return { url: required('REDIS_URL') };
  return {
    cluster: {
      nodes: nodes.split(',').map((address) => {
        const [host, port] = address.trim().split(':');
        return { host, port: Number(port) };
      }),
    },
  };
}

/**
 * The benchmark app: the library configured as a user would (`AuthModule.forRootAsync`, global guards,
 * the auth controller, Redis by URL), plus the docs recipe's passport-jwt strategy for the reference row
 * (its tokens are signed by @nestjs/jwt's `JwtService` with the recipe's string secret, in the bench runner).
 * Redis: `REDIS_URL`, or a cluster from `REDIS_CLUSTER_NODES` (rows 1c-6c).
 * `BENCH_MODE` picks `accessTokenValidation` ('session' by default, or 'stateless'); `BENCH_MFA_KEY` turns MFA on, `BENCH_ORGANIZATIONS` organizations.
 */
@Module({
  imports: [
    AuthModule.forRootAsync({
      useFactory: () => ({
        jwt: { secret: required('BENCH_JWT_SECRET') },
        redis: redisOption(),
        accessTokenValidation: process.env.BENCH_MODE === 'stateless' ? 'stateless' : 'session',
        // The full run (about 25 minutes) outlives the default 15 minutes, and its tokens are made once at the start.
        // A token's lifetime changes nothing in what verifying it costs.
        accessTokenTtlSeconds: 2 * 60 * 60,
        refreshTokenTransport: 'both',
        // The MFA app (rows 2m, 8, 8v): BENCH_MFA_KEY (base64, 32 bytes) turns the mfa feature on.
        ...(process.env.BENCH_MFA_KEY ? { mfa: { encryptionKeys: [{ id: 'bench', key: process.env.BENCH_MFA_KEY }] } } : {}),
        // Passkeys: the bench signs in with a software authenticator (nestjs-authkit/testing) from this origin.
        passkeys: { rpId: 'localhost', origins: [BENCH_PASSKEY_ORIGIN] },
        // Row 2k: API keys on `GET /keyed`. The per-key throttle runs (it is part of the one command) with a limit the
        // load never reaches.
        apiKeys: { throttle: { limit: 1_000_000_000, windowSeconds: 60 } },
        // The soak (bench/soak.ts) registers from one ip all along: BENCH_REGISTER_PER_IP raises that limit.
        // The organizations app (BENCH_ORGANIZATIONS): the Redis cost of an @OrgRoles request beside a plain guarded one.
        ...(process.env.BENCH_ORGANIZATIONS ? { organizations: { invitationUrl: 'http://bench.test/invitations' } } : {}),
        ...(process.env.BENCH_REGISTER_PER_IP ? { throttle: { register: { ip: { limit: Number(process.env.BENCH_REGISTER_PER_IP) } } } } : {}),
      }),
    }),
    PassportModule,
  ],
  controllers: [BenchController],
  providers: [JwtStrategy, AuthkitJwtStrategy],
})
export class BenchAppModule {}

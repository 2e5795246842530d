import { spawn } from 'node:child_process';
import { RedisServer } from '../support/redis-server';

/**
 * The groups of `npm run test:mutation`: each mutates a few files and runs only the specs that cover them. Jest
 * loads every spec of a run for every mutant, so one run over all specs costs minutes per mutant; per group it
 * costs seconds.
 */
export const MUTATION_GROUPS: Array<{ mutate: string[]; specs: string[] }> = [
  { mutate: ['lib/core/throttling/client-ip.ts'], specs: ['test/core/throttling/client-ip.spec.ts'] },
  { mutate: ['lib/core/tokens/constant-time.ts'], specs: ['test/core/tokens/constant-time.spec.ts'] },
  { mutate: ['lib/core/http/cookie.options.ts'], specs: ['test/core/http/cookie.options.messages.spec.ts', 'test/core/http/cookie.options.spec.ts'] },
  { mutate: ['lib/core/guards/roles.guard.ts'], specs: ['test/core/guards/roles.guard.spec.ts'] },
  {
    mutate: ['lib/core/options/options.validation.ts'],
    specs: ['test/core/options/options.validation.spec.ts', 'test/module/unknown-options.spec.ts', 'test/module/option-prototype-keys.spec.ts', 'test/core/http/cookie.options.spec.ts'],
  },
  { mutate: ['lib/core/tokens/refresh-token.codec.ts', 'lib/core/tokens/one-time-token.ts'], specs: ['test/core/tokens/refresh-token.codec.spec.ts', 'test/core/tokens/refresh-token.codec.known-answers.spec.ts', 'test/core/tokens/one-time-token.spec.ts', 'test/core/tokens/constant-time.spec.ts', 'test/adapters/memory/memory-session.store.spec.ts'] },
  { mutate: ['lib/adapters/memory/memory-session.store.ts'], specs: ['test/adapters/memory/memory-session.store.local.spec.ts', 'test/adapters/memory/memory-session.store.spec.ts', 'test/core/tokens/constant-time.spec.ts'] },
  { mutate: ['lib/core/guards/access-token.guard.ts', 'lib/core/guards/handler-metadata.cache.ts'], specs: ['test/core/guards/access-token.guard.unit.spec.ts', 'test/core/guards/access-token.guard.spec.ts', 'test/core/guards/handler-metadata.cache.spec.ts'] },
  { mutate: ['lib/core/guards/auth-guard.base.ts', 'lib/core/guards/transport-errors.ts', 'lib/core/guards/roles.options.ts'], specs: ['test/core/guards/guard-transports.spec.ts'] },
  { mutate: ['lib/core/guards/authkit-auth.guard.ts', 'lib/core/guards/authkit-jwt.strategy.ts'], specs: ['test/core/guards/authkit-passport.spec.ts'] },
  { mutate: ['lib/core/throttling/throttle.options.ts'], specs: ['test/core/throttling/throttle.options.unit.spec.ts', 'test/core/throttling/throttle.options.spec.ts'] },
  { mutate: ['lib/core/tokens/app-claims.ts'], specs: ['test/core/tokens/app-claims.spec.ts'] },
  // signing-keys on its unit spec only: the TokenService specs build their service at load, so a mutant there errors their whole file.
  { mutate: ['lib/core/tokens/signing-keys.ts'], specs: ['test/core/tokens/signing-keys.spec.ts'] },
  { mutate: ['lib/core/tokens/access-token-keys.ts'], specs: ['test/core/tokens/access-token-keys.spec.ts'] },
  { mutate: ['lib/core/tokens/jwt.options.ts'], specs: ['test/core/tokens/jwt.options.spec.ts'] },
  { mutate: ['lib/core/tokens/token.service.ts'], specs: ['test/core/tokens/token.service.claims.spec.ts', 'test/core/tokens/token.service.own-checks.spec.ts', 'test/core/tokens/token.service.spec.ts', 'test/core/tokens/token.service.caches.spec.ts', 'test/core/tokens/token.service.signature-encoding.spec.ts'] },
  { mutate: ['lib/core/sessions/refresh-rotation.ts'], specs: ['test/core/sessions/refresh-rotation.local.spec.ts', 'test/core/sessions/refresh-rotation.spec.ts'] },
  { mutate: ['lib/core/http/cookies.ts', 'lib/core/http/refresh-cookie.ts'], specs: ['test/core/http/cookies.spec.ts'] },
  {
    mutate: ['lib/core/throttling/throttled-login.ts', 'lib/core/throttling/throttled-route.ts', 'lib/core/throttling/route-limiter.ts'],
    specs: ['test/core/throttling/throttled-calls.spec.ts'],
  },
];

/** The group's incremental file: `--incremental` re-runs only the mutants whose code or covering tests changed. */
function incrementalFile(group: { mutate: string[] }): string {
  const name = group.mutate[0].replace(/^lib\//, '').replace(/\.ts$/, '').replace(/[/.]/g, '-');
  return `reports/mutation/incremental/${name}.json`;
}

function stryker(group: { mutate: string[]; specs: string[] }, env: NodeJS.ProcessEnv, options: string[]): Promise<number> {
  const args = ['stryker', 'run', 'stryker.config.json', '--mutate', group.mutate.join(','), '--incrementalFile', incrementalFile(group), ...options];
  console.log(`\n=== mutation group: ${group.mutate.join(', ')} ===`);
  const child = spawn('npx', args, { stdio: 'inherit', env: { ...env, AUTHKIT_MUTATION_SPECS: group.specs.join(',') } });
  return new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

/**
 * `npm run test:mutation [-- <file filter>] [--concurrency 1] [--incremental] ...`: starts one redis-server for the
 * whole run (the rotation specs need it), then StrykerJS (stryker.config.json) once per group whose files match the
 * filter (all by default). Arguments from the first one starting with `--` on go to every Stryker run.
 */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const firstOption = args.findIndex((arg) => arg.startsWith('--'));
  const filter = firstOption === 0 ? undefined : args[0];
  const options = firstOption < 0 ? [] : args.slice(firstOption);
  const groups = MUTATION_GROUPS.filter((group) => !filter || group.mutate.some((file) => file.includes(filter)));
  const redis = await RedisServer.start();
  try {
    const env = { ...process.env, REDIS_URL: redis.url, AUTHKIT_TEST_TOPOLOGIES: 'standalone' };
    let failures = 0;
    for (const group of groups) if ((await stryker(group, env, options)) !== 0) failures++;
    return failures === 0 ? 0 : 1;
  } finally {
    await redis.stop();
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error);
  process.exit(1);
});

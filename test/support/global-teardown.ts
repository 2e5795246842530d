import type { StartedRedis } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as { __AUTHKIT_REDIS__?: StartedRedis }).__AUTHKIT_REDIS__;
  await Promise.all([started?.standalone?.stop(), started?.cluster?.stop(), started?.sentinel?.stop()]);
}

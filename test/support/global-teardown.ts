import { type StartedServices, stopServices } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as { __AUTHKIT_SERVICES__?: StartedServices }).__AUTHKIT_SERVICES__;
  if (started) await stopServices(started);
}

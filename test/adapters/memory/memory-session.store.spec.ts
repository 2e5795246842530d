import { MemorySessionStore } from '../../../lib';
import { describeSessionStoreContract } from '../../../lib/testing/session-store.contract';

const stores: MemorySessionStore[] = [];

afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

describeSessionStoreContract('MemorySessionStore', (settings, now) => {
  const store = new MemorySessionStore(settings, now);
  stores.push(store);
  return store;
});

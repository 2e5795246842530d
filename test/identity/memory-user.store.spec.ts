import { MemoryUserStore } from '../../lib';
import { describeUserStoreContract } from '../../lib/testing/user-store.contract';

describeUserStoreContract('MemoryUserStore', () => new MemoryUserStore());

import { MemoryUserStore } from '../../../lib';
import { describeUserStoreContract, describeUserStoreDeletionContract } from '../../../lib/testing/user-store.contract';

describeUserStoreContract('MemoryUserStore', () => new MemoryUserStore());

describeUserStoreDeletionContract('MemoryUserStore', () => new MemoryUserStore());

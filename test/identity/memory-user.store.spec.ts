import { MemoryUserStore } from '../../lib';
import { describeUserStoreContract } from './user-store.contract';

describeUserStoreContract('MemoryUserStore', () => new MemoryUserStore());

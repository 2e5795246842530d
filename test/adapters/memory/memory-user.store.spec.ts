import { MemoryUserStore } from '../../../lib';
import { describeUserStoreContract, describeUserStoreDeletionContract } from '../../../lib/testing/user-store.contract';
import { describeCredentialStoreContract } from '../../../lib/testing/credential-store.contract';

describeUserStoreContract('MemoryUserStore', () => new MemoryUserStore());

describeCredentialStoreContract('MemoryUserStore', () => new MemoryUserStore());

describeUserStoreDeletionContract('MemoryUserStore', () => new MemoryUserStore());

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from './user.entity';
import { UserIdentityEntity } from './user-identity.entity';

/** The app's users module: NOT global; it exports the repositories `TypeOrmUserStore` and `TypeOrmIdentityStore` inject. */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, UserIdentityEntity])],
  exports: [TypeOrmModule],
})
export class UsersModule {}

import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';

/** The docs recipe's guard. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {}

import { Inject, Injectable, type PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '../../core/errors/auth.errors';
import { ACCOUNT_OPTIONS, type ResolvedAccountOptions } from '../../core/options/account.options';
import type { Credentials } from '../../core/users/identity-resolver.service';
import { AuthValidationPipe } from '../../core/http/auth-validation.pipe';
import { CredentialsDto } from './password.dto';

/** The register body, split: the credentials, and the app's registration fields (`{}` without a DTO). */
export interface RegistrationBody {
  credentials: Credentials;
  fields: Record<string, unknown>;
}

const pipe = new AuthValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) =>
    new ValidationFailedError(errors.flatMap((e) => (e.constraints ? Object.values(e.constraints) : [`${e.property} is invalid`]))),
});

/**
 * Validates `POST /auth/register`: `email` and `password` by `CredentialsDto`, every other field by the
 * `registrationFields` DTO (unknown fields refused). Without that option, any other field is refused, as before.
 */
@Injectable()
export class RegistrationBodyPipe implements PipeTransform<unknown, Promise<RegistrationBody>> {
  constructor(@Inject(ACCOUNT_OPTIONS) private readonly options: Pick<ResolvedAccountOptions, 'registrationFields'>) {}

  async transform(value: unknown): Promise<RegistrationBody> {
    const dto = this.options.registrationFields;
    if (!dto || value === null || typeof value !== 'object' || Array.isArray(value)) {
      const credentials = (await pipe.transform(value, { type: 'body', metatype: CredentialsDto })) as CredentialsDto;
      return { credentials: { email: credentials.email, password: credentials.password }, fields: {} };
    }
    const { email, password, ...rest } = value as Record<string, unknown>;
    const credentials = (await pipe.transform({ email, password }, { type: 'body', metatype: CredentialsDto })) as CredentialsDto;
    const fields = (await pipe.transform(rest, { type: 'body', metatype: dto })) as object;
    return { credentials: { email: credentials.email, password: credentials.password }, fields: JSON.parse(JSON.stringify(fields)) as Record<string, unknown> };
  }
}

import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ChangePasswordDto, EmailDto } from '../../../lib/features/recovery/account.dto';
import { CredentialsDto, LoginDto } from '../../../lib/features/password/password.dto';

async function messages<T extends object>(type: new () => T, body: object): Promise<string[]> {
  const errors = await validate(plainToInstance(type, body));
  return errors.flatMap((error) => Object.values(error.constraints ?? {}));
}

describe('the shared DTO fields', () => {
  it('AccountEmail: normalised before it is checked, the same rule on every body', async () => {
    const dto = plainToInstance(LoginDto, { email: '  Someone@EXAMPLE.com ', password: 'x' });
    expect(dto.email).toBe('someone@example.com');
    for (const type of [CredentialsDto, LoginDto, EmailDto]) {
      expect(await messages(type, { email: 'not an email', password: 'correct horse battery staple' })).toContain('email must be an email');
      expect(await messages(type, { email: `${'a'.repeat(250)}@example.com`, password: 'correct horse battery staple' })).toContain(
        'email must be shorter than or equal to 254 characters',
      );
    }
  });

  it('PasswordText: the field named in the message, its own minimum, lone surrogates refused', async () => {
    expect(await messages(ChangePasswordDto, { currentPassword: 'x\ud800', newPassword: 'correct horse battery staple' })).toEqual([
      'currentPassword must be well-formed Unicode text',
    ]);
    expect(await messages(ChangePasswordDto, { currentPassword: 'x', newPassword: 'short' })).toEqual([
      expect.stringMatching(/^newPassword must be longer than or equal to \d+ characters$/),
    ]);
    // Login takes any password of 1..128 characters; registration applies the policy's minimum.
    expect(await messages(LoginDto, { email: 'a@example.com', password: 'x' })).toEqual([]);
    expect(await messages(CredentialsDto, { email: 'a@example.com', password: 'x' })).toEqual([
      expect.stringMatching(/^password must be longer than or equal to \d+ characters$/),
    ]);
    expect(await messages(LoginDto, { email: 'a@example.com', password: 'x'.repeat(129) })).toEqual([
      'password must be shorter than or equal to 128 characters',
    ]);
  });
});

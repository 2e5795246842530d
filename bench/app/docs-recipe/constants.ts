/**
 * The NestJS documentation's Passport JWT recipe (docs.nestjs.com/recipes/passport, "Implementing
 * Passport JWT"), reproduced as the docs write it: the benchmark's reference route. A plain string
 * secret, given to @nestjs/jwt for signing and to passport-jwt (jsonwebtoken) for verifying.
 */
export const jwtConstants = {
  secret: 'DO NOT USE THIS VALUE. INSTEAD, CREATE A COMPLEX SECRET AND KEEP IT SAFE OUTSIDE OF THE SOURCE CODE.',
};

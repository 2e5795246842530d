import type { MailTemplate } from '../mail/mail-templates';
import type { RouteLimitDeclarations } from '../throttling/throttle.options';
import type { AuthFeature } from './auth-feature';

/** The kinds of one-time tokens the module's features issue (`AuthFeatureParts.oneTimeTokenKinds`), as one list. */
export const ONE_TIME_TOKEN_KINDS = Symbol('AUTHKIT_ONE_TIME_TOKEN_KINDS');

const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const KIND_MAX_LENGTH = 64;

/** Checks a kind of one-time token or mail (snake_case, at most 64 characters); throws a `TypeError` naming `where`. */
export function checkKindName(kind: unknown, where: string): string {
  if (typeof kind !== 'string' || kind.length > KIND_MAX_LENGTH || !SNAKE_CASE.test(kind)) {
    throw new TypeError(`nestjs-authkit: ${where}: ${JSON.stringify(kind)} is not a snake_case kind name (e.g. password_reset)`);
  }
  return kind;
}

/** What the kernel and the module's features declare for option resolution: route limits and mail templates. */
export interface FeatureDeclarations {
  routeLimits: RouteLimitDeclarations;
  mailTemplates: Readonly<Record<string, MailTemplate>>;
}

/**
 * Unions the route limits and mail templates the kernel (`kernel`) and each feature declare; a route or a mail
 * kind declared twice is a mistake (a `TypeError` naming both).
 */
export function gatherDeclarations(features: readonly AuthFeature[], kernel: FeatureDeclarations): FeatureDeclarations {
  const routeLimits: Record<string, RouteLimitDeclarations[string]> = {};
  const mailTemplates: Record<string, MailTemplate> = {};
  const owners = new Map<string, string>();
  const claim = (what: string, by: string): void => {
    const owner = owners.get(what);
    if (owner !== undefined) throw new TypeError(`nestjs-authkit: ${what} is declared by both ${owner} and ${by}`);
    owners.set(what, by);
  };
  const add = (by: string, declared: Partial<FeatureDeclarations>): void => {
    for (const [route, counters] of Object.entries(declared.routeLimits ?? {})) {
      claim(`route limit "${route}"`, by);
      routeLimits[route] = counters;
    }
    for (const [kind, template] of Object.entries(declared.mailTemplates ?? {})) {
      claim(`mail kind "${checkKindName(kind, `${by}'s mailTemplates`)}"`, by);
      mailTemplates[kind] = template;
    }
  };
  add('the kernel', kernel);
  for (const feature of features) add(`feature "${feature.name}"`, feature);
  return { routeLimits, mailTemplates };
}

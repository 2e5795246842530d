import { Inject, Injectable } from '@nestjs/common';
import { expandRoleHierarchy } from '../../core/guards/roles.guard';
import { OrganizationRoleInvalidError, OrganizationRoleRequiredError } from './organizations.errors';
import { ORGANIZATIONS_OPTIONS, type ResolvedOrganizationsOptions } from './organizations.options';

/** The organization roles the app knows and what each implies (`organizations.roles`, `organizations.roleHierarchy`). */
@Injectable()
export class OrganizationRoles {
  private readonly implied: Map<string, Set<string>>;
  private readonly known: ReadonlySet<string>;

  constructor(@Inject(ORGANIZATIONS_OPTIONS) options: Pick<ResolvedOrganizationsOptions, 'roles' | 'roleHierarchy'>) {
    this.implied = expandRoleHierarchy(options.roleHierarchy);
    this.known = new Set(options.roles);
  }

  /** True when `roles` (through the hierarchy) include any of `required`. */
  grants(roles: readonly string[] | null, required: readonly string[]): boolean {
    return (roles ?? []).some((role) => required.some((wanted) => wanted === role || this.implied.get(role)?.has(wanted)));
  }

  /** Throws 403 `org_role_required` unless `roles` grant one of `required`. */
  require(roles: readonly string[] | null, ...required: string[]): void {
    if (!this.grants(roles, required)) throw new OrganizationRoleRequiredError();
  }

  /** The roles as stored: known ones, each once, at least one; else 400 `org_role_invalid`. */
  checked(roles: readonly string[]): string[] {
    const unique = [...new Set(roles)];
    if (unique.length === 0 || unique.some((role) => !this.known.has(role))) throw new OrganizationRoleInvalidError();
    return unique;
  }
}

import { SetMetadata } from '@nestjs/common';

/** Each role includes the ones before it: an operator can do what ci can, ci what a viewer can. */
export const ROLES = ['viewer', 'ci', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export const REQUIRED_ROLE = 'cutover:requiredRole';
export const PUBLIC_ROUTE = 'cutover:public';

/** The least role a route needs. Routes without it are refused: deny by default. */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE, true);

export function roleSatisfies(has: Role, needs: Role): boolean {
  return ROLES.indexOf(has) >= ROLES.indexOf(needs);
}

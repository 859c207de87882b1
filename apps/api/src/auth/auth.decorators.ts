import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { UserRole, UserTier } from '@app/prisma';

/** What the JWT guard attaches to every authenticated request (loaded from the DB, so never stale). */
export interface AuthUser {
  id: string;
  email: string;
  role: UserRole;
  tier: UserTier;
}

export const IS_PUBLIC = 'auth:isPublic';
/** Route needs no bearer token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const ROLES = 'auth:roles';
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES, roles);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  const request = ctx.switchToHttp().getRequest<{ user?: AuthUser }>();
  if (!request.user) throw new Error('CurrentUser used on a public route');
  return request.user;
});

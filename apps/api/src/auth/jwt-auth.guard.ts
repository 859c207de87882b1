import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { bearerToken, DomainError } from '@app/common';
import { PrismaService } from '@app/prisma';
import { PerRoute } from '../common/route-metadata';
import { AuthUser, IS_PUBLIC, ROLES } from './auth.decorators';

interface JwtPayload {
  sub: string;
}

interface RouteAccess {
  isPublic: boolean;
  roles: string[] | undefined;
}

/** Global guard: every route needs a valid bearer token unless marked @Public(); @Roles() narrows further. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly access = new PerRoute<RouteAccess>((handler, controller) => ({
    isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, controller]) === true,
    roles: this.reflector.getAllAndOverride<string[] | undefined>(ROLES, [handler, controller]),
  }));

  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly prisma: PrismaService,
  ) {}

  /** Public routes answer synchronously: no promise, no lookup beyond the per-route cache. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const { isPublic, roles } = this.access.of(context);
    if (isPublic) return true;
    return this.authenticate(context, roles);
  }

  private async authenticate(context: ExecutionContext, roles: string[] | undefined): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: AuthUser }>();
    if (!bearerToken(request.headers.authorization)) throw new DomainError('UNAUTHORIZED', 'A bearer token is required');
    const user = await this.userFromAuthorization(request.headers.authorization);
    if (!user) throw new DomainError('UNAUTHORIZED', 'The bearer token is invalid or expired');
    request.user = user;
    if (roles && !roles.includes(user.role)) throw new DomainError('FORBIDDEN', 'This action needs another role');
    return true;
  }

  /** The user a bearer header names, or null (no header, bad or expired token, deleted user). */
  async userFromAuthorization(header: string | undefined): Promise<AuthUser | null> {
    const token = bearerToken(header);
    if (!token) return null;
    let payload: JwtPayload;
    try {
      payload = await this.jwt.verifyAsync<JwtPayload>(token);
    } catch {
      return null;
    }
    return this.prisma.user.findUnique({ where: { id: payload.sub }, select: { id: true, email: true, role: true, tier: true } });
  }
}

import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { bearerToken, DomainError } from '@app/common';
import { PrismaService } from '@app/prisma';
import { AuthUser, IS_PUBLIC, ROLES } from './auth.decorators';

interface JwtPayload {
  sub: string;
}

/** Global guard: every route needs a valid bearer token unless marked @Public(); @Roles() narrows further. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly prisma: PrismaService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: AuthUser }>();
    if (!bearerToken(request.headers.authorization)) throw new DomainError('UNAUTHORIZED', 'A bearer token is required');
    const user = await this.userFromAuthorization(request.headers.authorization);
    if (!user) throw new DomainError('UNAUTHORIZED', 'The bearer token is invalid or expired');
    request.user = user;

    const roles = this.reflector.getAllAndOverride<string[] | undefined>(ROLES, targets);
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

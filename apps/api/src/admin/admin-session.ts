import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '@app/config';
import { PrismaService } from '@app/prisma';

export const ADMIN_SESSION_COOKIE = 'lumiku_admin_session';
const SESSION_SECONDS = 15 * 60;
const SCOPE = 'admin-ui';

/**
 * A short-lived, browser-friendly admin session for the operator pages (the queue UI): an httpOnly, SameSite=Strict
 * cookie scoped to /api/admin holding a 15-minute token of its own scope. No credentials ever travel in a URL.
 */
@Injectable()
export class AdminSessions {
  constructor(
    private readonly jwt: JwtService,
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  async cookieFor(userId: string): Promise<string> {
    const token = await this.jwt.signAsync({ sub: userId, scope: SCOPE }, { expiresIn: SESSION_SECONDS });
    const secure = this.config.NODE_ENV === 'production' ? '; Secure' : '';
    return `${ADMIN_SESSION_COOKIE}=${token}; Path=/api/admin; HttpOnly; SameSite=Strict; Max-Age=${SESSION_SECONDS}${secure}`;
  }

  /** 'admin' for a valid admin session cookie, 'forbidden' for a valid non-admin one, else 'anonymous'. */
  async check(cookieHeader: string | undefined): Promise<'admin' | 'forbidden' | 'anonymous'> {
    const token = parseCookie(cookieHeader, ADMIN_SESSION_COOKIE);
    if (!token) return 'anonymous';
    let payload: { sub?: string; scope?: string };
    try {
      payload = await this.jwt.verifyAsync(token);
    } catch {
      return 'anonymous';
    }
    if (payload.scope !== SCOPE || !payload.sub) return 'anonymous';
    const user = await this.prisma.user.findUnique({ where: { id: payload.sub }, select: { role: true } });
    if (!user) return 'anonymous';
    return user.role === 'ADMIN' ? 'admin' : 'forbidden';
  }
}

function parseCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

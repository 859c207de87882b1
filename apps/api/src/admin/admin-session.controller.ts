import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthUser, CurrentUser, Roles } from '../auth/auth.decorators';
import { ApiErrorCodes } from '../common/openapi/api-errors.decorator';
import { AdminSessions } from './admin-session';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin')
export class AdminSessionController {
  constructor(private readonly sessions: AdminSessions) {}

  @ApiErrorCodes('FORBIDDEN')
  @Post('session')
  @HttpCode(204)
  @Roles('ADMIN')
  @ApiOperation({
    summary: 'Start a 15-minute admin browser session (cookie) for the operator pages, e.g. the queue UI at /api/admin/queues',
  })
  @ApiNoContentResponse({ description: 'Set-Cookie: an httpOnly, SameSite=Strict session cookie scoped to /api/admin' })
  async start(@CurrentUser() user: AuthUser, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    void reply.header('set-cookie', await this.sessions.cookieFor(user.id));
  }
}

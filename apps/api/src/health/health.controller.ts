import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { ReadinessReport, ReadinessService } from '@app/health';
import { Public } from '../auth/auth.decorators';

@ApiTags('health')
@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process is up (no I/O)' })
  live(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: 200 when every dependency is ready, else 503 naming each failing check' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport & { status: string }> {
    const report = await this.readiness.check();
    reply.status(report.ready ? 200 : 503);
    return { status: report.ready ? 'ready' : 'not_ready', ...report };
  }
}

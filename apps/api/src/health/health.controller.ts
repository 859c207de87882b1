import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '@app/config';
import { ReadinessService } from '@app/health';
import { Public } from '../auth/auth.decorators';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { LivenessDto, ReadinessDto } from './dto/health.dto';
import { ApiNoStandardErrors } from '../common/openapi/api-errors.decorator';
import { SkipAllRateLimits } from '../common/rate-limit/throttling';


@ApiTags('health')
@ApiNoStandardErrors()
@Public()
@SkipAllRateLimits()
@Controller('health')
export class HealthController {
  constructor(
    private readonly readiness: ReadinessService,
    private readonly config: AppConfig,
    private readonly auth: JwtAuthGuard,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process is up (no I/O)' })
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    // performance.now() counts milliseconds from the process's start, as process.uptime() does seconds at twice the cost.
    return { status: 'ok', uptimeSeconds: Math.round(performance.now() / 1000) };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: 200 when every dependency is ready, else 503 naming each failing check',
    description:
      'Check names and results for everyone; details and remedies (providers, model files, queue names) only for an ' +
      'admin bearer token when HEALTH_DETAILS=admin (the production default), and always in `npm run doctor`.',
  })
  @ApiOkResponse({ type: ReadinessDto, description: 'Ready' })
  @ApiServiceUnavailableResponse({ type: ReadinessDto, description: 'Not ready: the failing checks are named' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply, @Headers('authorization') authorization: string | undefined): Promise<ReadinessDto> {
    const report = await this.readiness.check();
    reply.status(report.ready ? 200 : 503);
    const status: ReadinessDto['status'] = report.ready ? 'ready' : 'not_ready';
    if (await this.mayShowDetails(authorization)) return { status, ...report };
    return { status, ready: report.ready, checks: report.checks.map(({ name, ok }) => ({ name, ok })) };
  }

  private async mayShowDetails(authorization: string | undefined): Promise<boolean> {
    if (this.config.HEALTH_DETAILS === 'public') return true;
    return (await this.auth.userFromAuthorization(authorization))?.role === 'ADMIN';
  }
}

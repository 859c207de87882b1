import { Controller, Get, Header, Headers, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DomainError } from '@app/common';
import { AppConfig } from '@app/config';
import { decideScrape, LumikuMetrics, metricsAccess, type MetricsAccess } from '@app/metrics';
import { Public } from '../auth/auth.decorators';
import { SkipAllRateLimits } from '../common/rate-limit/throttling';

/**
 * GET /api/metrics: Prometheus text format for operators, not part of the SPA's API (so not in the OpenAPI
 * document; the README's Operating section documents it). Guarded by METRICS_TOKEN, not by user JWTs, and never
 * rate limited or request-logged: a scraper calls it every few seconds.
 */
@ApiExcludeController()
@Public()
@SkipAllRateLimits()
@Controller('metrics')
export class MetricsController {
  private readonly access: MetricsAccess;

  constructor(
    private readonly metrics: LumikuMetrics,
    config: AppConfig,
  ) {
    this.access = metricsAccess(config);
  }

  @Get()
  @Header('cache-control', 'no-store')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply, @Headers('authorization') authorization?: string): Promise<string> {
    const decision = decideScrape(this.access, authorization);
    if (decision === 'not-found') throw new DomainError('ROUTE_NOT_FOUND', 'Metrics are off: set METRICS_TOKEN to turn them on');
    if (decision === 'unauthorized') throw new DomainError('UNAUTHORIZED', 'Metrics need `Authorization: Bearer <METRICS_TOKEN>`');
    if (decision === 'forbidden') throw new DomainError('FORBIDDEN', 'That is not the metrics token');
    void reply.header('content-type', this.metrics.contentType);
    return this.metrics.render();
  }
}

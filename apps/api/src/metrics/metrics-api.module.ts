import { Module } from '@nestjs/common';
import { ReadinessModule } from '@app/health';
import { MetricsController } from './metrics.controller';
import { ApiScrapeSources } from './scrape-sources';

/** GET /api/metrics and the gauges read at scrape time (LumikuMetrics itself comes from the global MetricsModule). */
@Module({
  imports: [ReadinessModule],
  controllers: [MetricsController],
  providers: [ApiScrapeSources],
})
export class MetricsApiModule {}

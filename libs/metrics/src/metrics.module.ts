import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { LumikuMetrics, MetricsRole } from './lumiku-metrics';
import { metricsAccess } from './metrics-access';

/** One LumikuMetrics per process; global, so the libs that record (credits, ai-providers) just inject it. */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(role: MetricsRole): DynamicModule {
    return {
      module: MetricsModule,
      providers: [
        {
          provide: LumikuMetrics,
          useFactory: (config: AppConfig) => new LumikuMetrics(role, { processMetrics: metricsAccess(config).mode !== 'off' }),
          inject: [AppConfig],
        },
      ],
      exports: [LumikuMetrics],
    };
  }
}

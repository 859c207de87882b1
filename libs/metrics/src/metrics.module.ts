import { DynamicModule, Global, Module } from '@nestjs/common';
import { LumikuMetrics, MetricsRole } from './lumiku-metrics';

/** One LumikuMetrics per process; global, so the libs that record (credits, ai-providers) just inject it. */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(role: MetricsRole): DynamicModule {
    return {
      module: MetricsModule,
      providers: [{ provide: LumikuMetrics, useFactory: () => new LumikuMetrics(role) }],
      exports: [LumikuMetrics],
    };
  }
}

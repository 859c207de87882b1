import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { loggerParams } from '@app/common';
import { AppConfig, ConfigModule } from '@app/config';
import { JobsModule } from '@app/jobs';
import { MetricsModule } from '@app/metrics';
import { PrismaModule } from '@app/prisma';
import { AvatarCreatorWorkerModule } from '@app/avatar-creator';
import { JobHandlerRegistry } from './jobs/job-handler.registry';
import { QUEUE_CONSUMERS } from './jobs/queue.processors';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { WorkerMetricsServer } from './metrics/worker-metrics.server';

/** The worker: queue consumers (and, when configured, a metrics server). The API never registers processors. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => loggerParams({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY }),
    }),
    DiscoveryModule,
    MetricsModule.forRoot('worker'),
    PrismaModule,
    JobsModule.forRoot('worker'),
    MaintenanceModule,
    AvatarCreatorWorkerModule,
  ],
  providers: [JobHandlerRegistry, ...QUEUE_CONSUMERS, WorkerMetricsServer],
})
export class WorkerModule {
  /** The worker with its configuration, parsed once by the caller (main.ts, or a test passing its own). */
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WorkerModule, imports: [ConfigModule.forRoot(config)] };
  }
}

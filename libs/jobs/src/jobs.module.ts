import { DynamicModule, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { AppConfig } from '@app/config';
import { ALL_QUEUES, DEFAULT_JOB_OPTIONS } from './job-types';
import { JobCompletionWaiter } from './job-completion-waiter.service';
import { JobProducer } from './job-producer.service';
import { redisOptionsFromUrl } from './redis-connection';

/**
 * BullMQ connection and queue registration. `role` decides the connection behaviour: the API fails fast
 * when Redis is down; the worker's blocking connections wait and reconnect.
 */
@Module({})
export class JobsModule {
  static forRoot(role: 'producer' | 'worker'): DynamicModule {
    return {
      module: JobsModule,
      global: true,
      imports: [
        BullModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            connection: redisOptionsFromUrl(config.REDIS_URL, { failFast: role === 'producer' }),
            prefix: config.QUEUE_PREFIX,
            defaultJobOptions: DEFAULT_JOB_OPTIONS,
          }),
        }),
        BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
      ],
      providers: [JobProducer, JobCompletionWaiter],
      exports: [JobProducer, JobCompletionWaiter, BullModule],
    };
  }
}

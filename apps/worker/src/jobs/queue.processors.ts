import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job, WorkerOptions } from 'bullmq';
import { AppConfig } from '@app/config';
import { DEFAULT_JOB_OPTIONS, paidJobBackoffMs, QueueName } from '@app/jobs';
import { LumikuMetrics } from '@app/metrics';
import { JobHandlerRegistry } from './job-handler.registry';
import { completedOutcome, thrownOutcome } from './job-outcome';

/** Consumes one queue and hands each job to its registered handler. */
@Injectable() // emits the constructor metadata the concrete subclasses inherit
abstract class QueueConsumer extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly registry: JobHandlerRegistry,
    private readonly config: AppConfig,
    private readonly metrics: LumikuMetrics,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    // CPU-bound work scales by processes; keep per-process concurrency low (WORKER_CONCURRENCY).
    this.worker.concurrency = this.config.WORKER_CONCURRENCY;
    // Redis outages surface here on every reconnect attempt: one log line each instead of raw stack traces.
    const logger = new Logger(this.constructor.name);
    this.worker.on('error', (err: Error) => logger.warn({ err: err.message }, 'worker connection error'));
  }

  /** Runs the job's handler and records how long the run took and how it ended (lumiku_job_duration_seconds). */
  async process(job: Job): Promise<unknown> {
    const stop = this.metrics.jobDuration.startTimer({ queue: job.queueName, job: job.name });
    try {
      const result = await this.registry.dispatch(job);
      stop({ outcome: completedOutcome(result) });
      return result;
    } catch (err) {
      stop({ outcome: thrownOutcome(job, err) });
      throw err;
    }
  }
}

/** Retries back off exponentially, or as long as the provider asked (Retry-After / estimated_time) when that is longer. */
const WORKER_OPTIONS: Partial<WorkerOptions> = {
  settings: {
    backoffStrategy: (attemptsMade: number, _type?: string, err?: Error, job?: { opts: { backoff?: number | { delay?: number } } }) => {
      const backoff = job?.opts.backoff;
      const base = (typeof backoff === 'object' ? backoff.delay : backoff) ?? DEFAULT_JOB_OPTIONS.backoff.delay;
      return paidJobBackoffMs(attemptsMade, base, err);
    },
  },
};

@Processor(QueueName.BackgroundRemoval, WORKER_OPTIONS)
export class BackgroundRemovalConsumer extends QueueConsumer {}

@Processor(QueueName.AvatarGeneration, WORKER_OPTIONS)
export class AvatarGenerationConsumer extends QueueConsumer {}

@Processor(QueueName.Maintenance, WORKER_OPTIONS)
export class MaintenanceConsumer extends QueueConsumer {}

export const QUEUE_CONSUMERS = [BackgroundRemovalConsumer, AvatarGenerationConsumer, MaintenanceConsumer];

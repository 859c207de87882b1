import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job, WorkerOptions } from 'bullmq';
import { AppConfig } from '@app/config';
import { DEFAULT_JOB_OPTIONS, PAID_JOB_NAMES, PaidJobOutcome, paidJobBackoffMs, QueueName } from '@app/jobs';
import { LumikuMetrics } from '@app/metrics';
import { JobHandlerRegistry } from './job-handler.registry';
import { completedOutcome, thrownOutcome } from './job-outcome';

/** Consumes one queue and hands each job to its registered handler. */
@Injectable() // emits the constructor metadata the concrete subclasses inherit
abstract class QueueConsumer extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(this.constructor.name);

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
    this.worker.on('error', (err: Error) => this.logger.warn({ err: err.message }, 'worker connection error'));
  }

  /**
   * Runs the job's handler (its result, a PaidJobOutcome for paid jobs, becomes the job's return value) and records
   * how long the run took and how it ended (lumiku_job_duration_seconds).
   */
  async process(job: Job): Promise<unknown> {
    const stop = this.metrics.jobDuration.startTimer({ queue: job.queueName, job: job.name });
    let result: unknown;
    try {
      result = await this.registry.dispatch(job);
    } catch (err) {
      stop({ outcome: thrownOutcome(job, err) });
      throw err;
    }
    stop({ outcome: completedOutcome(result) });
    if (isPaidJob(job) && isSkipped(result as PaidJobOutcome)) {
      // The money-safety path (a late or duplicate run of a settled or deleted row): worth a line, it is rare.
      this.logger.log({ jobId: job.id, job: job.name, outcome: result }, 'paid job run did nothing: its row was already settled or is gone');
    }
    return result;
  }
}

const isPaidJob = (job: Job): boolean => (PAID_JOB_NAMES as readonly string[]).includes(job.name);
const isSkipped = (outcome: PaidJobOutcome): boolean => outcome === 'already-settled' || outcome === 'gone';

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

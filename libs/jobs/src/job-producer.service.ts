import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { JobsOptions, Queue } from 'bullmq';
import { DomainError } from '@app/common';
import { JOB_QUEUE, JobName, JobPayloads, QueueName } from './job-types';

const ENQUEUE_TIMEOUT_MS = 5_000;

/**
 * Typed enqueue: the job name fixes both the payload type and the queue. The BullMQ job id is the row id,
 * so adding the same row twice is a no-op. Redis trouble surfaces as 503 QUEUE_UNAVAILABLE.
 */
@Injectable()
export class JobProducer {
  private readonly logger = new Logger(JobProducer.name);
  private readonly queues: Record<QueueName, Queue>;

  constructor(
    @InjectQueue(QueueName.BackgroundRemoval) backgroundRemoval: Queue,
    @InjectQueue(QueueName.AvatarGeneration) avatarGeneration: Queue,
    @InjectQueue(QueueName.Maintenance) maintenance: Queue,
  ) {
    this.queues = {
      [QueueName.BackgroundRemoval]: backgroundRemoval,
      [QueueName.AvatarGeneration]: avatarGeneration,
      [QueueName.Maintenance]: maintenance,
    };
    // Without a listener, every failed reconnect while Redis is down prints a raw stack trace to stderr.
    for (const queue of Object.values(this.queues)) {
      queue.on('error', (err: Error) => this.logger.warn({ queue: queue.name, err: err.message }, 'queue connection error'));
    }
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  enqueue<N extends JobName>(name: N, payload: JobPayloads[N], opts: JobsOptions & { jobId: string }): Promise<void> {
    return this.enqueueBulk(name, [{ payload, jobId: opts.jobId }], opts);
  }

  /** Many jobs of one name in one round trip. */
  async enqueueBulk<N extends JobName>(
    name: N,
    jobs: { payload: JobPayloads[N]; jobId: string }[],
    opts: JobsOptions = {},
  ): Promise<void> {
    if (jobs.length === 0) return;
    const queue = this.queues[JOB_QUEUE[name]];
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        queue.addBulk(jobs.map((j) => ({ name, data: j.payload, opts: { ...opts, jobId: j.jobId } }))),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`enqueue timed out after ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      this.logger.error({ err, job: name, count: jobs.length }, 'enqueue failed');
      throw new DomainError('QUEUE_UNAVAILABLE', 'The job queue is unavailable; try again shortly');
    } finally {
      clearTimeout(timer);
    }
  }
}

import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { QueueEvents } from 'bullmq';
import { AppConfig } from '@app/config';
import { JobProducer } from './job-producer.service';
import { QueueName } from './job-types';
import { redisOptionsFromUrl } from './redis-connection';

/**
 * Lets the API wait for a job to finish without polling: one QueueEvents stream per queue (created on first use)
 * and BullMQ's waitUntilFinished. Used by `POST /remove` with `Prefer: wait=N`.
 */
@Injectable()
export class JobCompletionWaiter implements OnModuleDestroy {
  private readonly logger = new Logger(JobCompletionWaiter.name);
  private readonly events = new Map<QueueName, Promise<QueueEvents>>();

  constructor(
    private readonly config: AppConfig,
    private readonly producer: JobProducer,
  ) {}

  /** Resolves when the job finishes (either way) or after `timeoutMs`; never throws. */
  async waitForFinish(queue: QueueName, jobId: string, timeoutMs: number): Promise<void> {
    if (timeoutMs <= 0) return;
    try {
      const job = await this.producer.queue(queue).getJob(jobId);
      if (!job) return;
      await job.waitUntilFinished(await this.eventsFor(queue), timeoutMs);
    } catch {
      // Failed, timed out or Redis trouble: the caller re-reads the row, which is the source of truth.
    }
  }

  private eventsFor(queue: QueueName): Promise<QueueEvents> {
    let events = this.events.get(queue);
    if (!events) {
      const instance = new QueueEvents(queue, { connection: redisOptionsFromUrl(this.config.REDIS_URL), prefix: this.config.QUEUE_PREFIX });
      instance.on('error', (err) => this.logger.warn({ err: err.message, queue }, 'queue events connection error'));
      events = instance.waitUntilReady().then(() => instance);
      this.events.set(queue, events);
    }
    return events;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.events.values()].map(async (p) => (await p).close().catch(() => undefined)));
  }
}

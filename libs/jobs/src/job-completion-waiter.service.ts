import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { QueueEvents } from 'bullmq';
import { AppConfig } from '@app/config';
import { JobProducer } from './job-producer.service';
import { QueueName } from './job-types';
import { redisOptionsFromUrl } from './redis-connection';

/** A job of the queue finished an attempt: completed, or failed (it may still be retried); or it was removed (canceled). */
export interface JobFinishedEvent {
  jobId: string;
  outcome: 'completed' | 'failed' | 'removed';
}

/**
 * Lets the API follow jobs without polling: one QueueEvents stream per queue and process (created on first use),
 * shared by every waiter and listener. Used by `POST /remove` with `Prefer: wait=N` and by the event streams (SSE).
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

  /**
   * Calls `listener` whenever a job of `queue` finishes an attempt, until the returned function is called. Costs one
   * in-memory listener: nothing is read from Redis or the database per subscriber.
   */
  async onFinished(queue: QueueName, listener: (event: JobFinishedEvent) => void): Promise<() => void> {
    const events = await this.eventsFor(queue);
    const completed = ({ jobId }: { jobId: string }) => listener({ jobId, outcome: 'completed' });
    const failed = ({ jobId }: { jobId: string }) => listener({ jobId, outcome: 'failed' });
    const removed = ({ jobId }: { jobId: string }) => listener({ jobId, outcome: 'removed' });
    events.on('completed', completed);
    events.on('failed', failed);
    events.on('removed', removed);
    return () => {
      events.off('completed', completed);
      events.off('failed', failed);
      events.off('removed', removed);
    };
  }

  private eventsFor(queue: QueueName): Promise<QueueEvents> {
    let events = this.events.get(queue);
    if (!events) {
      const instance = new QueueEvents(queue, { connection: redisOptionsFromUrl(this.config.REDIS_URL), prefix: this.config.QUEUE_PREFIX });
      instance.on('error', (err) => this.logger.warn({ err: err.message, queue }, 'queue events connection error'));
      instance.setMaxListeners(0); // three per open event stream; bounded by SSE_MAX_STREAMS_PER_USER × users
      events = instance.waitUntilReady().then(() => instance);
      this.events.set(queue, events);
    }
    return events;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.events.values()].map(async (p) => (await p).close().catch(() => undefined)));
  }
}

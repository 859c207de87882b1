import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ReadinessService } from '@app/health';
import { ALL_QUEUES, JobProducer } from '@app/jobs';
import { cachedFor, LumikuMetrics } from '@app/metrics';

/** Queue states worth alerting on; `completed` is history, not load. */
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
/** Several scrapers (or a scraper and a person) within this window share one round of reads. */
const QUEUE_CACHE_MS = 1_000;
const READINESS_CACHE_MS = 2_000;

/**
 * The gauges the API fills at scrape time: queue depth and the age of the oldest waiting job per queue (from Redis;
 * every API replica reports the same queues, so aggregate with max), and readiness as /api/health/ready reports it.
 */
@Injectable()
export class ApiScrapeSources implements OnModuleInit {
  private readonly logger = new Logger(ApiScrapeSources.name);

  constructor(
    private readonly metrics: LumikuMetrics,
    private readonly jobs: JobProducer,
    private readonly readiness: ReadinessService,
  ) {}

  onModuleInit(): void {
    this.metrics.onScrape(cachedFor(QUEUE_CACHE_MS, () => this.readQueues()));
    this.metrics.onScrape(cachedFor(READINESS_CACHE_MS, () => this.readReadiness()));
  }

  private async readQueues(): Promise<void> {
    try {
      const now = Date.now();
      const perQueue = await Promise.all(
        ALL_QUEUES.map(async (name) => {
          const queue = this.jobs.queue(name);
          const [counts, [oldest]] = await Promise.all([queue.getJobCounts(...QUEUE_STATES), queue.getJobs(['waiting'], 0, 0, true)]);
          return { name, counts, oldestAgeSeconds: oldest ? Math.max(0, (now - oldest.timestamp) / 1000) : 0 };
        }),
      );
      for (const { name, counts, oldestAgeSeconds } of perQueue) {
        for (const state of QUEUE_STATES) this.metrics.queueJobs.set({ queue: name, state }, counts[state] ?? 0);
        this.metrics.queueOldestWaitingAge.set({ queue: name }, oldestAgeSeconds);
      }
    } catch (err) {
      // No numbers rather than stale ones: the series disappear, which `absent()` alerts can catch, and readiness
      // reports Redis as down.
      this.metrics.queueJobs.reset();
      this.metrics.queueOldestWaitingAge.reset();
      this.logger.warn({ err: (err as Error).message }, 'queue metrics unavailable');
    }
  }

  private async readReadiness(): Promise<void> {
    const report = await this.readiness.check();
    this.metrics.ready.set(report.ready ? 1 : 0);
    for (const check of report.checks) this.metrics.readinessCheck.set({ check: check.name }, check.ok ? 1 : 0);
  }
}

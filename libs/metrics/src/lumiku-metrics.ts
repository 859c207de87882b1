import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Every metric name lives here, prefixed `lumiku_` (default process metrics keep their standard names). */
const PREFIX = 'lumiku_';

/** Web requests: fast JSON routes to multi-second waits on a result (`Prefer: wait`). */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Jobs and provider calls: a classical removal in tens of ms to a hosted FLUX generation in minutes. */
const WORK_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** `skipped`: a paid job's run that found its row already settled or gone (a late or duplicate run) and did nothing. */
export type JobOutcome = 'succeeded' | 'failed' | 'retried' | 'skipped';

/** Which process owns the registry: each exposes only the metrics it records (an unset plain gauge would read 0). */
export type MetricsRole = 'api' | 'worker';

type RegistriesFor = (...roles: MetricsRole[]) => Registry[];

function defineMetrics(only: RegistriesFor) {
  return {
    /** Recorded by the API's onResponse hook; `route` is the route template, never the raw URL. */
    httpRequestDuration: new Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'HTTP requests by route template, method and status code',
      labelNames: ['route', 'method', 'status_code'] as const,
      buckets: HTTP_BUCKETS,
      registers: only('api'),
    }),
    jobDuration: new Histogram({
      name: `${PREFIX}job_duration_seconds`,
      help: 'Job runs by queue, job name and outcome (succeeded; failed = settled as failed; retried = will run again; skipped = its row was already settled)',
      labelNames: ['queue', 'job', 'outcome'] as const,
      buckets: WORK_BUCKETS,
      registers: only('worker'),
    }),
    providerRequestDuration: new Histogram({
      name: `${PREFIX}provider_request_duration_seconds`,
      help: 'AI provider calls, successful or not, by provider and catalogue model',
      labelNames: ['provider', 'model'] as const,
      buckets: WORK_BUCKETS,
      registers: only('worker'),
    }),
    providerErrors: new Counter({
      name: `${PREFIX}provider_errors_total`,
      help: 'Failed AI provider calls by provider, catalogue model and error (transient: may pass; permanent; internal: not a provider error)',
      labelNames: ['provider', 'model', 'error'] as const,
      registers: only('worker'),
    }),
    creditsCharged: new Counter({
      name: `${PREFIX}credits_charged_total`,
      help: 'Credits charged (committed ledger CHARGE movements) by what they paid for',
      labelNames: ['reference_type'] as const,
      registers: only('api', 'worker'),
    }),
    creditsRefunded: new Counter({
      name: `${PREFIX}credits_refunded_total`,
      help: 'Credits refunded (committed ledger REFUND movements) by what they had paid for',
      labelNames: ['reference_type'] as const,
      registers: only('api', 'worker'),
    }),
    queueJobs: new Gauge({
      name: `${PREFIX}queue_jobs`,
      help: 'Jobs in each queue by state (waiting, active, delayed, failed), read from Redis at scrape time',
      labelNames: ['queue', 'state'] as const,
      registers: only('api'),
    }),
    queueOldestWaitingAge: new Gauge({
      name: `${PREFIX}queue_oldest_waiting_job_age_seconds`,
      help: 'Seconds since the oldest job waiting in each queue was added; 0 when none waits',
      labelNames: ['queue'] as const,
      registers: only('api'),
    }),
    ready: new Gauge({
      name: `${PREFIX}ready`,
      help: 'Readiness as GET /api/health/ready reports it (1 = ready)',
      registers: only('api'),
    }),
    readinessCheck: new Gauge({
      name: `${PREFIX}readiness_check`,
      help: 'Each readiness check (1 = ok, 0 = failing or skipped)',
      labelNames: ['check'] as const,
      registers: only('api'),
    }),
  };
}

type MetricDefinitions = ReturnType<typeof defineMetrics>;

/**
 * The metrics of one process (api or worker) in a registry of its own, so an API and a worker in one test process
 * never collide on names. Counters and histograms are recorded where things happen; gauges that need I/O (queue
 * depth, readiness) are filled by the sources registered with onScrape() just before each scrape.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class LumikuMetrics {
  readonly registry = new Registry();
  private readonly scrapeSources: (() => Promise<void>)[] = [];

  /**
   * `processMetrics: false` (metrics off: nobody can scrape) skips prom-client's default process metrics, whose GC
   * observer and event-loop monitor would otherwise run for nothing on every collection.
   */
  constructor(
    readonly role: MetricsRole,
    { processMetrics = true }: { processMetrics?: boolean } = {},
  ) {
    Object.assign(this, defineMetrics((...roles) => (roles.includes(role) ? [this.registry] : [])));
    if (processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** A source of gauge values read at scrape time (queue depth, readiness); it caches what is expensive itself. */
  onScrape(source: () => Promise<void>): void {
    this.scrapeSources.push(source);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text, after every scrape source has had its turn (a failing source does not fail the scrape). */
  async render(): Promise<string> {
    await Promise.allSettled(this.scrapeSources.map((source) => source()));
    return this.registry.metrics();
  }
}

// The definitions above, as fields: `metrics.jobDuration.observe(...)`.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface LumikuMetrics extends MetricDefinitions {}

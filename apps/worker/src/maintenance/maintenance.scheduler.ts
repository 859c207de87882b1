import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { JobName, JobProducer, QueueName } from '@app/jobs';

/**
 * Registers the repeatable maintenance jobs. Job schedulers are idempotent by id, so every worker may do
 * this at boot and the jobs still run once per interval across the fleet.
 *
 * The schedules live in Redis: if Redis comes back without its data (restart without persistence, failover to an
 * empty replica, flush), they are gone — and with them the reconciler that re-enqueues the jobs Redis lost. So each
 * worker checks every interval that the reconcile schedule still exists and registers both again if not.
 */
@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceScheduler.name);
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly jobs: JobProducer,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.register();
    this.logger.log('Maintenance schedules registered (reconcile, retention-sweep)');
    this.timer = setInterval(() => void this.ensureRegistered(), this.config.RECONCILE_INTERVAL_SECONDS * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async register(): Promise<void> {
    const queue = this.jobs.queue(QueueName.Maintenance);
    await queue.upsertJobScheduler(
      JobName.Reconcile,
      { every: this.config.RECONCILE_INTERVAL_SECONDS * 1000 },
      { name: JobName.Reconcile, data: {} },
    );
    await queue.upsertJobScheduler(JobName.RetentionSweep, { every: 3600 * 1000 }, { name: JobName.RetentionSweep, data: {} });
  }

  /** Re-registers the schedules if Redis lost them. One check at a time (calls wait while Redis is down). */
  private async ensureRegistered(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const scheduler = await this.jobs.queue(QueueName.Maintenance).getJobScheduler(JobName.Reconcile);
      if (!scheduler) {
        await this.register();
        this.logger.warn('Maintenance schedules were missing from Redis (data lost?): registered again');
      }
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not check the maintenance schedules');
    } finally {
      this.checking = false;
    }
  }
}

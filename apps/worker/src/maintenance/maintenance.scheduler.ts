import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { JobName, JobProducer, QueueName } from '@app/jobs';

/**
 * Registers the repeatable maintenance jobs. Job schedulers are idempotent by id, so every worker may do
 * this at boot and the jobs still run once per interval across the fleet.
 */
@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(MaintenanceScheduler.name);

  constructor(
    private readonly jobs: JobProducer,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const queue = this.jobs.queue(QueueName.Maintenance);
    await queue.upsertJobScheduler(
      JobName.Reconcile,
      { every: this.config.RECONCILE_INTERVAL_SECONDS * 1000 },
      { name: JobName.Reconcile, data: {} },
    );
    await queue.upsertJobScheduler(JobName.RetentionSweep, { every: 3600 * 1000 }, { name: JobName.RetentionSweep, data: {} });
    this.logger.log('Maintenance schedules registered (reconcile, retention-sweep)');
  }
}

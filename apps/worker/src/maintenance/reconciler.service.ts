import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { JobHandler, JobName, RECONCILE_SOURCES, ReconcileSource } from '@app/jobs';

const BATCH = 500;
/** States in which BullMQ will still run the job by itself. */
const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/** Puts back on the queue any row that was committed but whose job is gone. */
@Injectable()
export class ReconcilerService {
  private readonly logger = new Logger(ReconcilerService.name);

  constructor(
    @Inject(RECONCILE_SOURCES) private readonly sources: ReconcileSource[],
    private readonly config: AppConfig,
  ) {}

  @JobHandler(JobName.Reconcile)
  async reconcile(): Promise<{ requeued: Record<string, number> }> {
    const before = new Date(Date.now() - this.config.RECONCILE_GRACE_SECONDS * 1000);
    const requeued: Record<string, number> = {};
    for (const source of this.sources) {
      let count = 0;
      for (const id of await source.findUnsettled(before, BATCH)) {
        const state = await source.jobState(id);
        if (LIVE_STATES.has(state)) continue;
        await source.requeue(id);
        count++;
      }
      requeued[source.name] = count;
      if (count) this.logger.warn({ source: source.name, count }, 're-enqueued rows that had no live queue job');
    }
    return { requeued };
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { JobCompletionWaiter, QueueName } from '@app/jobs';
import { BackgroundRemovalJob, PrismaService } from '@app/prisma';

/** Between re-reads when the queue job finished but the row is not settled (a transient failure being retried). */
const RECHECK_MS = 100;

/** `Prefer: wait=N`: how long POST /remove may hold the request for the result (default and cap from config). */
@Injectable()
export class RemovalWaiterService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly completion: JobCompletionWaiter,
  ) {}

  waitSeconds(prefer: string | undefined): number {
    const asked = /(?:^|[,;\s])wait=(\d+)/i.exec(prefer ?? '')?.[1];
    const seconds = asked === undefined ? this.config.REMOVE_WAIT_DEFAULT_SECONDS : Number(asked);
    return Math.min(seconds, this.config.REMOVE_WAIT_MAX_SECONDS);
  }

  /** Waits for the queue job to finish (no polling), then reads the row — the source of truth. */
  async waitForJob(job: BackgroundRemovalJob, seconds: number): Promise<BackgroundRemovalJob> {
    const deadline = Date.now() + seconds * 1000;
    let current = job;
    while (!isSettled(current) && Date.now() < deadline) {
      await this.completion.waitForFinish(QueueName.BackgroundRemoval, job.id, deadline - Date.now());
      current = (await this.prisma.backgroundRemovalJob.findUnique({ where: { id: job.id } })) ?? current;
      if (!isSettled(current)) await sleep(Math.min(RECHECK_MS, Math.max(deadline - Date.now(), 0)));
    }
    return current;
  }
}

/** Final: succeeded, failed (and refunded) or canceled (and refunded). */
export function isSettled(job: { status: string }): boolean {
  return job.status === 'SUCCEEDED' || job.status === 'FAILED' || job.status === 'CANCELED';
}

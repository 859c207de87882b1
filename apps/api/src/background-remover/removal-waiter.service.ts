import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { BackgroundRemovalJob, PrismaService } from '@app/prisma';

const POLL_MS = 200;

/** `Prefer: wait=N`: how long POST /remove may hold the request for the result (default and cap from config). */
@Injectable()
export class RemovalWaiterService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  waitSeconds(prefer: string | undefined): number {
    const asked = /(?:^|[,;\s])wait=(\d+)/i.exec(prefer ?? '')?.[1];
    const seconds = asked === undefined ? this.config.REMOVE_WAIT_DEFAULT_SECONDS : Number(asked);
    return Math.min(seconds, this.config.REMOVE_WAIT_MAX_SECONDS);
  }

  /** Polls the row (the source of truth) until it settles or the time is up. */
  async waitForJob(job: BackgroundRemovalJob, seconds: number): Promise<BackgroundRemovalJob> {
    const deadline = Date.now() + seconds * 1000;
    let current = job;
    while (!isSettled(current) && Date.now() < deadline) {
      await sleep(Math.min(POLL_MS, Math.max(deadline - Date.now(), 0)));
      current = (await this.prisma.backgroundRemovalJob.findUnique({ where: { id: job.id } })) ?? current;
    }
    return current;
  }
}

export function isSettled(job: Pick<BackgroundRemovalJob, 'status'>): boolean {
  return job.status === 'SUCCEEDED' || job.status === 'FAILED';
}

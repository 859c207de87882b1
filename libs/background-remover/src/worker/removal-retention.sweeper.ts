import { Injectable } from '@nestjs/common';
import type { RetentionSweeper } from '@app/jobs';
import { PrismaService } from '@app/prisma';
import { StorageService, storageLayout } from '@app/storage';

const BATCH = 200;

/** Deletes expired removal inputs (and background images), outputs and ZIPs, and clears the URLs on their rows (the rows stay as history). */
@Injectable()
export class RemovalRetentionSweeper implements RetentionSweeper {
  readonly name = 'backgroundRemovalOutputs';

  constructor(
    private readonly prisma: PrismaService,
    private readonly storage: StorageService,
  ) {}

  async sweep(now: Date): Promise<number> {
    let removed = 0;
    for (;;) {
      const jobs = await this.prisma.backgroundRemovalJob.findMany({
        where: { expiresAt: { lt: now }, status: { in: ['SUCCEEDED', 'FAILED', 'CANCELED'] }, OR: [{ outputKey: { not: null } }, { inputKey: { not: '' } }] },
        select: { id: true, userId: true, inputKey: true, bgImageKey: true },
        take: BATCH,
      });
      if (jobs.length === 0) break;
      for (const job of jobs) {
        await this.storage.deletePrefix('public', storageLayout.removal.jobPrefix(job.userId, job.id));
        await this.storage.delete('private', job.inputKey);
        // Batch items share one background: the first item swept deletes it, the others find it gone.
        if (job.bgImageKey) await this.storage.delete('private', job.bgImageKey);
      }
      await this.prisma.backgroundRemovalJob.updateMany({
        where: { id: { in: jobs.map((j) => j.id) } },
        data: { outputKey: null, outputUrl: null, thumbnailUrl: null, inputKey: '', bgImageKey: null },
      });
      removed += jobs.length;
    }
    const batches = await this.prisma.backgroundRemovalBatch.findMany({
      where: { expiresAt: { lt: now }, zipKey: { not: null } },
      select: { id: true, zipKey: true },
    });
    for (const batch of batches) await this.storage.delete('public', batch.zipKey!);
    if (batches.length) {
      await this.prisma.backgroundRemovalBatch.updateMany({ where: { id: { in: batches.map((b) => b.id) } }, data: { zipKey: null, zipUrl: null } });
    }
    return removed + batches.length;
  }
}

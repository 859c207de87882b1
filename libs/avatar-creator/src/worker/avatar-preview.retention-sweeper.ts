import { Injectable, Logger } from '@nestjs/common';
import { PrismaService } from '@app/prisma';
import { StorageService, storageLayout } from '@app/storage';
import { RetentionSweeper } from '@app/jobs';

const BATCH = 200;

/**
 * Previews nobody saved are deleted once `expiresAt` passes (PREVIEW_TTL_HOURS after they were ready): the row
 * first, with a conditional delete (a concurrent save-preview wins by setting savedAt), then its files.
 */
@Injectable()
export class AvatarPreviewRetentionSweeper implements RetentionSweeper {
  readonly name = 'avatarPreviews';
  private readonly logger = new Logger(AvatarPreviewRetentionSweeper.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly storage: StorageService,
  ) {}

  async sweep(now: Date): Promise<number> {
    const expired = { isPreview: true, savedAt: null, expiresAt: { lt: now }, status: { in: ['SUCCEEDED' as const, 'FAILED' as const] } };
    let removed = 0;
    for (;;) {
      const batch = await this.prisma.avatarGeneration.findMany({
        where: expired,
        orderBy: { expiresAt: 'asc' },
        take: BATCH,
        select: { id: true, userId: true, projectId: true },
      });
      for (const preview of batch) {
        const { count } = await this.prisma.avatarGeneration.deleteMany({ where: { id: preview.id, ...expired } });
        if (count !== 1) continue;
        removed++;
        await this.storage.deletePrefix('public', storageLayout.avatar.assetPrefix(preview.userId, preview.projectId, preview.id)).catch((err: unknown) => {
          this.logger.warn({ err, generationId: preview.id }, 'expired preview deleted but its files could not be removed');
        });
      }
      if (batch.length < BATCH) return removed;
    }
  }
}

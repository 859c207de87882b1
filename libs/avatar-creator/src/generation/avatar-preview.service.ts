import { Injectable } from '@nestjs/common';
import { DomainError, NotFoundError } from '@app/common';
import { Avatar, PrismaService } from '@app/prisma';
import { readGenerationParams } from '../generation-params';
import { AvatarProjectsService } from '../projects/avatar-projects.service';

export interface SavePreviewRequest {
  generationId: string;
  /** Defaults to the preview's name. */
  name?: string;
}

type NotSaveableReason = 'NOT_A_PREVIEW' | 'ALREADY_SAVED' | 'NOT_READY' | 'FAILED' | 'EXPIRED' | 'OUTPUT_DELETED';

/**
 * Keeping a preview: the avatar reuses the preview's files and costs nothing more (the preview was charged).
 * Marking the preview saved is a conditional update, so saving twice (even concurrently) gives one avatar and a 409.
 */
@Injectable()
export class AvatarPreviewService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly projects: AvatarProjectsService,
  ) {}

  async save(userId: string, projectId: string, request: SavePreviewRequest): Promise<Avatar> {
    await this.projects.findOwned(userId, projectId);
    const now = new Date();
    return this.prisma.$transaction(async (tx) => {
      await this.projects.lockOwned(tx, userId, projectId);
      const preview = await tx.avatarGeneration.findFirst({ where: { id: request.generationId, userId, projectId } });
      if (!preview) throw new NotFoundError('Generation');
      const { count } = await tx.avatarGeneration.updateMany({
        where: {
          id: preview.id,
          isPreview: true,
          status: 'SUCCEEDED',
          savedAt: null,
          outputKey: { not: null },
          thumbnailKey: { not: null },
          OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
        },
        data: { savedAt: now, expiresAt: null },
      });
      if (count !== 1) throw notSaveable(reasonFor(preview, now));

      const params = readGenerationParams(preview.params);
      return tx.avatar.create({
        data: {
          userId,
          projectId,
          name: request.name ?? preview.name,
          source: 'GENERATED',
          imageKey: preview.outputKey!,
          imageUrl: preview.outputUrl!,
          thumbnailKey: preview.thumbnailKey!,
          thumbnailUrl: preview.thumbnailUrl!,
          width: params.output?.width ?? params.width,
          height: params.output?.height ?? params.height,
          generationId: preview.id,
        },
      });
    });
  }
}

function reasonFor(
  preview: { isPreview: boolean; savedAt: Date | null; status: string; expiresAt: Date | null; outputKey: string | null },
  now: Date,
): NotSaveableReason {
  if (!preview.isPreview) return 'NOT_A_PREVIEW';
  if (preview.savedAt) return 'ALREADY_SAVED';
  if (preview.status === 'FAILED') return 'FAILED';
  if (preview.status !== 'SUCCEEDED') return 'NOT_READY';
  if (preview.expiresAt && preview.expiresAt <= now) return 'EXPIRED';
  return preview.outputKey ? 'ALREADY_SAVED' : 'OUTPUT_DELETED';
}

const MESSAGES: Record<NotSaveableReason, string> = {
  NOT_A_PREVIEW: 'This generation is not a preview; it already made an avatar',
  ALREADY_SAVED: 'This preview was already saved as an avatar',
  NOT_READY: 'This preview is not ready yet; poll GET /generations/:id until it SUCCEEDED',
  FAILED: 'This preview failed and cannot be saved',
  EXPIRED: 'This preview has expired',
  OUTPUT_DELETED: "This preview's image was deleted",
};

function notSaveable(reason: NotSaveableReason): DomainError {
  return new DomainError('CONFLICT', MESSAGES[reason], { reason });
}

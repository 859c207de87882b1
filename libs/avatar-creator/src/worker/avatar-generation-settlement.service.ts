import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { CreditsService } from '@app/credits';
import { AvatarGeneration, Prisma, PrismaService } from '@app/prisma';
import { OPEN_JOB_STATUSES } from '@app/jobs';
import { AVATAR_APP_ID } from '../avatar-creator.constants';
import { avatarGenerationCreditReference } from '../credit-references';
import { asObject } from '../generation-params';

export interface GenerationOutput {
  providerId: string;
  imageKey: string;
  imageUrl: string;
  thumbnailKey: string;
  thumbnailUrl: string;
  width: number;
  height: number;
  durationMs: number;
}

export interface GenerationFailure {
  providerId: string;
  errorCode: string;
  errorMessage: string;
  durationMs: number;
}

const UNSETTLED = { in: OPEN_JOB_STATUSES } satisfies Prisma.EnumJobStatusFilter;

/**
 * The only way a generation reaches SUCCEEDED or FAILED in the worker. Each settlement is one transaction that
 * starts with a CONDITIONAL update (status still QUEUED/PROCESSING): the caller that flips it does the side
 * effects (avatar row, refund, usage log) and every other caller — a stalled-then-retried job, the reconciler,
 * a project deletion in the API — sees count 0 and does nothing. Returns whether this call settled it.
 */
@Injectable()
export class AvatarGenerationSettlement {
  constructor(
    private readonly prisma: PrismaService,
    private readonly credits: CreditsService,
    private readonly config: AppConfig,
  ) {}

  /** Marks an attempt as started; false if the row is gone or already settled. */
  async markProcessing(generationId: string, providerId: string): Promise<boolean> {
    const { count } = await this.prisma.avatarGeneration.updateMany({
      where: { id: generationId, status: UNSETTLED },
      data: { status: 'PROCESSING', attempts: { increment: 1 }, startedAt: new Date(), provider: providerId },
    });
    return count === 1;
  }

  /** SUCCEEDED + (unless a preview) the avatar + usage log. A preview's expiry restarts from now. */
  succeed(generation: AvatarGeneration, output: GenerationOutput): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const now = new Date();
      const { count } = await tx.avatarGeneration.updateMany({
        where: { id: generation.id, status: UNSETTLED },
        data: {
          status: 'SUCCEEDED',
          provider: output.providerId,
          outputKey: output.imageKey,
          outputUrl: output.imageUrl,
          thumbnailKey: output.thumbnailKey,
          thumbnailUrl: output.thumbnailUrl,
          params: { ...asObject(generation.params), output: { width: output.width, height: output.height } } as Prisma.InputJsonObject,
          errorCode: null,
          errorMessage: null,
          completedAt: now,
          expiresAt: generation.isPreview ? new Date(now.getTime() + this.config.PREVIEW_TTL_HOURS * 3600_000) : null,
        },
      });
      if (count !== 1) return false;
      if (!generation.isPreview) {
        await tx.avatar.create({
          data: {
            userId: generation.userId,
            projectId: generation.projectId,
            name: generation.name,
            source: 'GENERATED',
            imageKey: output.imageKey,
            imageUrl: output.imageUrl,
            thumbnailKey: output.thumbnailKey,
            thumbnailUrl: output.thumbnailUrl,
            width: output.width,
            height: output.height,
            generationId: generation.id,
          },
        });
      }
      await tx.aiUsageLog.create({
        data: usageLog(generation, { provider: output.providerId, creditUsed: generation.creditCharged, durationMs: output.durationMs, status: 'SUCCEEDED' }),
      });
      return true;
    });
  }

  /** FAILED with the error code + the refund (exactly once: the ledger's reference is unique) + usage log. */
  fail(generation: AvatarGeneration, failure: GenerationFailure): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.avatarGeneration.updateMany({
        where: { id: generation.id, status: UNSETTLED },
        data: {
          status: 'FAILED',
          errorCode: failure.errorCode,
          errorMessage: failure.errorMessage.slice(0, 1000),
          completedAt: new Date(),
        },
      });
      if (count !== 1) return false;
      await this.credits.refund(
        generation.userId,
        generation.creditCharged,
        avatarGenerationCreditReference(generation.id, `Avatar ${generation.isPreview ? 'preview' : 'generation'} failed (${failure.errorCode})`),
        tx,
      );
      await tx.aiUsageLog.create({
        data: usageLog(generation, {
          provider: failure.providerId,
          creditUsed: 0,
          durationMs: failure.durationMs,
          status: 'FAILED',
          errorCode: failure.errorCode,
        }),
      });
      return true;
    });
  }
}

function usageLog(
  generation: AvatarGeneration,
  entry: { provider: string; creditUsed: number; durationMs: number; status: 'SUCCEEDED' | 'FAILED'; errorCode?: string },
): Prisma.AiUsageLogUncheckedCreateInput {
  return {
    userId: generation.userId,
    appId: AVATAR_APP_ID,
    modelKey: generation.modelKey,
    provider: entry.provider,
    creditUsed: entry.creditUsed,
    durationMs: Math.max(0, Math.round(entry.durationMs)),
    status: entry.status,
    errorCode: entry.errorCode ?? null,
    ...avatarGenerationCreditReference(generation.id),
  };
}

import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { NotFoundError } from '@app/common';
import { AppConfig } from '@app/config';
import { CreditsService } from '@app/credits';
import { JobName, JobProducer } from '@app/jobs';
import { AvatarGeneration, Prisma, PrismaService, UserTier } from '@app/prisma';
import { AvatarCatalogService } from '../catalog/avatar-catalog.service';
import { avatarGenerationCreditReference } from '../credit-references';
import { GenerationRequestParams, resolveGenerationParams } from '../generation-params';
import { AvatarProjectsService } from '../projects/avatar-projects.service';

/** Who asks: the generation is charged to `id`; `accountTier` decides which models they may use. */
export interface GenerationRequester {
  id: string;
  accountTier: UserTier;
}

/** A validated generation request (the API's DTO checks the bounds in GENERATION_LIMITS). */
export interface GenerationRequest extends GenerationRequestParams {
  name: string;
  prompt: string;
  negativePrompt?: string;
  /** Defaults to the cheapest model the account tier allows. */
  modelKey?: string;
  isPreview: boolean;
}

export interface GenerationAccepted {
  generation: AvatarGeneration;
  /** Credits charged for it. */
  creditUsed: number;
  /** Balance after the charge. */
  creditBalance: number;
}

/** A generation with the avatar made from it, if any. */
export type GenerationWithAvatar = AvatarGeneration & { avatar: { id: string } | null };

/**
 * Accepting a generation: pick the model → in ONE transaction create the row and charge for it → enqueue
 * (the job id is the row id). If the enqueue fails the row is settled FAILED and refunded before the 503
 * propagates, so a failed request never costs anything. No provider is called here.
 */
@Injectable()
export class AvatarGenerationService {
  private readonly logger = new Logger(AvatarGenerationService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly catalog: AvatarCatalogService,
    private readonly projects: AvatarProjectsService,
    private readonly credits: CreditsService,
    private readonly jobs: JobProducer,
    private readonly config: AppConfig,
  ) {}

  async start(user: GenerationRequester, projectId: string, request: GenerationRequest): Promise<GenerationAccepted> {
    await this.projects.findOwned(user.id, projectId);
    const model = await this.catalog.pickForGeneration(user.accountTier, request.modelKey);
    const params = resolveGenerationParams(model, request);
    const id = randomUUID();

    const { generation, balance } = await this.prisma.$transaction(async (tx) => {
      await this.projects.lockOwned(tx, user.id, projectId);
      const created = await tx.avatarGeneration.create({
        data: {
          id,
          userId: user.id,
          projectId,
          modelKey: model.modelKey,
          name: request.name,
          prompt: request.prompt,
          negativePrompt: request.negativePrompt ?? null,
          params: params as unknown as Prisma.InputJsonObject,
          isPreview: request.isPreview,
          creditCharged: model.creditCost,
          // Provisional; the worker restarts the clock when the preview is ready.
          expiresAt: request.isPreview ? new Date(Date.now() + this.config.PREVIEW_TTL_HOURS * 3600_000) : null,
        },
      });
      const charged = await this.credits.charge(
        user.id,
        model.creditCost,
        avatarGenerationCreditReference(id, `Avatar ${request.isPreview ? 'preview' : 'generation'} (${model.name})`),
        tx,
      );
      return { generation: created, balance: charged.balance };
    });

    try {
      await this.jobs.enqueue(JobName.GenerateAvatar, { generationId: id }, { jobId: id });
    } catch (err) {
      await this.failUnqueued(generation);
      throw err;
    }
    return { generation, creditUsed: model.creditCost, creditBalance: balance };
  }

  async get(userId: string, generationId: string): Promise<GenerationWithAvatar> {
    const generation = await this.prisma.avatarGeneration.findFirst({
      where: { id: generationId, userId },
      include: { avatar: { select: { id: true } } },
    });
    if (!generation) throw new NotFoundError('Generation');
    return generation;
  }

  /** Settles a row whose job never reached the queue, and refunds it (only if this call settled it). */
  private async failUnqueued(generation: AvatarGeneration): Promise<void> {
    try {
      await this.prisma.$transaction(async (tx) => {
        const { count } = await tx.avatarGeneration.updateMany({
          where: { id: generation.id, status: 'QUEUED' },
          data: {
            status: 'FAILED',
            errorCode: 'QUEUE_UNAVAILABLE',
            errorMessage: 'The job queue was unavailable; the charge was refunded',
            completedAt: new Date(),
            expiresAt: null,
          },
        });
        if (count !== 1) return;
        await this.credits.refund(
          generation.userId,
          generation.creditCharged,
          avatarGenerationCreditReference(generation.id, 'Avatar generation not queued'),
          tx,
        );
      });
    } catch (err) {
      // The reconciler will find the QUEUED row and enqueue it, so the user still gets what they paid for.
      this.logger.error({ err, generationId: generation.id }, 'enqueue failed and the generation could not be settled');
    }
  }
}

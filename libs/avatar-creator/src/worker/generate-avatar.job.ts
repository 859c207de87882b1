import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AiProviderRegistry, ProviderError, toCatalogModel } from '@app/ai-providers';
import { AppConfig } from '@app/config';
import { ImagesService } from '@app/images';
import { classifyJobFailure, JobHandler, JobName, JobPayloads, PaidJobOutcome } from '@app/jobs';
import { AiModel, AvatarGeneration, PrismaService } from '@app/prisma';
import { StorageService, storageLayout } from '@app/storage';
import { THUMBNAIL_SIZE } from '../avatar-creator.constants';
import { AvatarGenerationSettlement, GenerationOutput } from './avatar-generation-settlement.service';
import { readGenerationParams } from '../generation-params';

/**
 * generate-avatar: prompt → provider → validated image → storage → settle. The provider call happens outside
 * any transaction; settling is conditional (see AvatarGenerationSettlement), so a job that stalled and was
 * retried never settles, charges or refunds twice. Transient failures are rethrown while BullMQ attempts
 * remain (exponential backoff); a permanent failure, or the last attempt, settles FAILED and refunds.
 */
@Injectable()
export class GenerateAvatarJob {
  private readonly logger = new Logger(GenerateAvatarJob.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly providers: AiProviderRegistry,
    private readonly images: ImagesService,
    private readonly storage: StorageService,
    private readonly settlement: AvatarGenerationSettlement,
    private readonly config: AppConfig,
  ) {}

  @JobHandler(JobName.GenerateAvatar)
  async handle(payload: JobPayloads[typeof JobName.GenerateAvatar], job: Job): Promise<PaidJobOutcome> {
    const generation = await this.prisma.avatarGeneration.findUnique({ where: { id: payload.generationId } });
    if (!generation) return 'gone';
    if (generation.status === 'SUCCEEDED' || generation.status === 'FAILED') return 'already-settled';

    const started = Date.now();
    let providerId = 'unresolved';
    try {
      const model = toCatalogModel(await this.loadModel(generation.modelKey));
      const resolved = this.providers.imageGenerator(model);
      providerId = resolved.providerId;
      if (!(await this.settlement.markProcessing(generation.id, providerId))) return 'already-settled';

      const params = readGenerationParams(generation.params);
      const { data } = await resolved.generator.generate({
        prompt: generation.prompt,
        negativePrompt: generation.negativePrompt ?? undefined,
        width: params.width,
        height: params.height,
        steps: params.steps,
        guidanceScale: params.guidanceScale,
        seed: params.seed,
        model,
      });
      const output = await this.store(generation, data, providerId, started);
      if (await this.settlement.succeed(generation, output)) return 'succeeded';
      await this.discardUnclaimedOutput(generation, output.imageKey);
      return 'already-settled';
    } catch (err) {
      const failure = classifyJobFailure(err);
      const attempts = job.opts.attempts ?? 1;
      if (failure.transient && job.attemptsMade + 1 < attempts) {
        this.logger.warn({ generationId: generation.id, attempt: job.attemptsMade + 1, attempts, code: failure.code }, 'generation will be retried');
        throw err;
      }
      if (failure.code === 'INTERNAL_ERROR') this.logger.error({ err, generationId: generation.id }, 'generation failed unexpectedly');
      else this.logger.warn({ err, generationId: generation.id, code: failure.code }, 'generation failed');
      const settled = await this.settlement.fail(generation, {
        providerId,
        errorCode: failure.code,
        errorMessage: failure.message,
        durationMs: Date.now() - started,
      });
      return settled ? 'failed' : 'already-settled';
    }
  }

  private async loadModel(modelKey: string): Promise<AiModel> {
    // Disabled models still finish what was already paid for; only a deleted row cannot run.
    const model = await this.prisma.aiModel.findUnique({ where: { modelKey } });
    if (!model) throw new ProviderError(`The model "${modelKey}" is no longer in the catalogue`, false);
    return model;
  }

  /** Provider bytes are untrusted: checked, re-encoded as PNG without metadata, thumbnailed, then stored. */
  private async store(generation: AvatarGeneration, data: Buffer, providerId: string, started: number): Promise<GenerationOutput> {
    await this.images.decodeProviderOutput(data, {
      maxBytes: this.config.PROVIDER_OUTPUT_MAX_BYTES,
      maxPixels: this.config.IMAGE_MAX_PIXELS,
    });
    const png = await this.images.normalize(data);
    const thumbnail = await this.images.thumbnail(png.data, { size: THUMBNAIL_SIZE, format: 'webp' });
    const keys = storageLayout.avatar.assetKeys(generation.userId, generation.projectId, generation.id);
    await this.storage.put('public', keys.image, png.data, { contentType: 'image/png' });
    await this.storage.put('public', keys.thumbnail, thumbnail, { contentType: 'image/webp' });
    return {
      providerId,
      imageKey: keys.image,
      imageUrl: this.storage.publicUrl(keys.image),
      thumbnailKey: keys.thumbnail,
      thumbnailUrl: this.storage.publicUrl(keys.thumbnail),
      width: png.width,
      height: png.height,
      durationMs: Date.now() - started,
    };
  }

  /** Someone else settled the row (or it was deleted with its project): remove files nothing will reference. */
  private async discardUnclaimedOutput(generation: AvatarGeneration, imageKey: string): Promise<void> {
    const current = await this.prisma.avatarGeneration.findUnique({ where: { id: generation.id }, select: { outputKey: true } });
    if (current?.outputKey === imageKey) return;
    await this.storage.deletePrefix('public', storageLayout.avatar.assetPrefix(generation.userId, generation.projectId, generation.id)).catch((err: unknown) => {
      this.logger.warn({ err, generationId: generation.id }, 'could not remove the output of an already settled generation');
    });
  }
}

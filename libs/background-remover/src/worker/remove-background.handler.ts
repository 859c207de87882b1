import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DomainError } from '@app/common';
import { AppConfig } from '@app/config';
import { AiProviderRegistry, toCatalogModel } from '@app/ai-providers';
import { ImagesService } from '@app/images';
import { JobHandler, JobName, JobPayloads, OPEN_JOB_STATUSES, StoredRemovalOptions } from '@app/jobs';
import { PrismaService } from '@app/prisma';
import { StorageService, storageLayout } from '@app/storage';
import { RemovalSettlementService } from '../jobs/removal-settlement.service';
import { previewMaxSide } from '../pricing/output-size';

/** One image: input → provider mask → cut-out with the requested options → output + thumbnail in public storage. */
@Injectable()
export class RemoveBackgroundHandler {
  constructor(
    private readonly prisma: PrismaService,
    private readonly storage: StorageService,
    private readonly images: ImagesService,
    private readonly providers: AiProviderRegistry,
    private readonly settlement: RemovalSettlementService,
    private readonly config: AppConfig,
  ) {}

  @JobHandler(JobName.RemoveBackground)
  async handle(payload: JobPayloads['remove-background'], job: Job): Promise<string> {
    const row = await this.prisma.backgroundRemovalJob.findUnique({ where: { id: payload.jobId } });
    if (!row) return 'already settled';
    // Only an open row may start: a job failed and refunded meanwhile (e.g. an enqueue that timed out but did reach
    // Redis) must not run and deliver an output the user got their money back for.
    const { count } = await this.prisma.backgroundRemovalJob.updateMany({
      where: { id: row.id, status: { in: OPEN_JOB_STATUSES } },
      data: { status: 'PROCESSING', attempts: { increment: 1 }, startedAt: row.startedAt ?? new Date() },
    });
    if (count === 0) return 'already settled';
    if (row.batchId) {
      await this.prisma.backgroundRemovalBatch.updateMany({ where: { id: row.batchId, status: 'QUEUED' }, data: { status: 'PROCESSING' } });
    }

    const started = Date.now();
    try {
      const model = await this.prisma.aiModel.findUnique({ where: { modelKey: row.modelKey } });
      if (!model) throw new DomainError('CATALOG_EMPTY', `Model ${row.modelKey} is no longer in the catalogue`);
      const catalogModel = toCatalogModel(model);
      const { providerId, remover } = this.providers.backgroundRemover(catalogModel);
      const input = await this.storage.get('private', row.inputKey);
      const options = row.options as unknown as StoredRemovalOptions;
      // Test mode is free and a preview is cheap: the provider gets the small input, never a full-size inference.
      const inputSide = smallest(row.testMode ? this.config.TEST_MODE_MAX_SIDE : undefined, options.outputSize === 'preview' ? previewMaxSide(row.width, row.height) : undefined);
      const oriented = await this.images.normalize(input, { maxSide: inputSide });
      const mask = await remover.removeBackground({ image: oriented.data, model: catalogModel });
      const cutout = await this.images.applyAlphaMask(oriented.data, mask);
      const maxSide = smallest(inputSide, model.maxResolution ?? undefined);
      const bgImage = row.bgImageKey && !options.maskOnly ? { bytes: await this.storage.get('private', row.bgImageKey), fit: options.bgImageFit ?? 'cover' } : undefined;
      const output = await this.images.composeOutput(cutout.data, cutout.width, cutout.height, {
        ...options,
        bgImage,
        maxSide,
        watermark: row.testMode,
      });
      const thumbnail = await this.images.thumbnail(output.data, { size: 256, format: 'webp' });

      const outputKey = storageLayout.removal.output(row.userId, row.id, output.extension);
      const thumbnailKey = storageLayout.removal.thumbnail(row.userId, row.id);
      await this.storage.put('public', outputKey, output.data, { contentType: output.contentType });
      await this.storage.put('public', thumbnailKey, thumbnail, { contentType: 'image/webp' });
      await this.settlement.succeed(row, {
        outputKey,
        outputUrl: this.storage.publicUrl(outputKey),
        thumbnailUrl: this.storage.publicUrl(thumbnailKey),
        outputFormat: output.extension,
        outputWidth: output.width,
        outputHeight: output.height,
        provider: providerId,
        processingMs: Date.now() - started,
      });
      return 'succeeded';
    } catch (err) {
      await this.settlement.handleError(row, err, job);
      return 'failed';
    }
  }
}

function smallest(...sides: (number | undefined)[]): number | undefined {
  const given = sides.filter((s): s is number => s !== undefined);
  return given.length ? Math.min(...given) : undefined;
}

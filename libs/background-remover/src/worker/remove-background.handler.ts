import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DomainError } from '@app/common';
import { AppConfig } from '@app/config';
import { AiProviderRegistry, toCatalogModel } from '@app/ai-providers';
import { ImagesService } from '@app/images';
import { JobHandler, JobName, JobPayloads, OPEN_JOB_STATUSES, StoredRemovalOptions } from '@app/jobs';
import { PrismaService } from '@app/prisma';
import { StorageService, storageLayout } from '@app/storage';
import { RemovalCatalogService } from '../catalog/removal-catalog.service';
import { RemovalSettlementService } from '../jobs/removal-settlement.service';

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
    private readonly catalog: RemovalCatalogService,
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
      const model = await this.catalog.modelByKey(row.modelKey);
      if (!model) throw new DomainError('CATALOG_EMPTY', `Model ${row.modelKey} is no longer in the catalogue`);
      const catalogModel = toCatalogModel(model);
      const { providerId, remover } = this.providers.backgroundRemover(catalogModel);
      const input = await this.storage.get('private', row.inputKey);
      // Test mode is free: the provider gets a small input, so a free call never costs a full-size inference.
      const oriented = await this.images.normalize(input, { maxSide: row.testMode ? this.config.TEST_MODE_MAX_SIDE : undefined });
      const mask = await remover.removeBackground({ image: oriented.data, model: catalogModel });
      const cutout = await this.images.applyAlphaMask(oriented.data, mask);
      const options = row.options as unknown as StoredRemovalOptions;
      const maxSide = row.testMode ? this.config.TEST_MODE_MAX_SIDE : (model.maxResolution ?? undefined);
      const output = await this.images.composeOutput(cutout.data, cutout.width, cutout.height, {
        ...options,
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

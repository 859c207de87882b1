import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DomainError } from '@app/common';
import { AppConfig } from '@app/config';
import { AiProviderRegistry, toCatalogModel } from '@app/ai-providers';
import { ImagesService } from '@app/images';
import { JobHandler, JobName, JobPayloads, PaidJobOutcome, StoredRemovalOptions } from '@app/jobs';
import { BackgroundRemovalJob, PrismaService } from '@app/prisma';
import { StorageService, storageLayout } from '@app/storage';
import { RemovalCatalogService } from '../catalog/removal-catalog.service';
import { RemovalSettlementService } from '../jobs/removal-settlement.service';
import { previewMaxSide } from '../pricing/output-size';

const STARTED_BATCHES_KEPT = 10_000;

/** One image: input → provider mask → cut-out with the requested options → output + thumbnail in public storage. */
@Injectable()
export class RemoveBackgroundHandler {
  /**
   * Batches this process has already moved out of QUEUED (a batch never goes back to it): their other items skip that
   * update, one query per item fewer. Forgotten wholesale past STARTED_BATCHES_KEPT (a skipped forget costs a no-op update).
   */
  private readonly startedBatches = new Set<string>();

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
  async handle(payload: JobPayloads['remove-background'], job: Job): Promise<PaidJobOutcome> {
    // Only an open row may start (a cancel is the same conditional update on QUEUED, so exactly one of them wins).
    const row = await this.settlement.claim(payload.jobId);
    if (!row) return (await this.prisma.backgroundRemovalJob.count({ where: { id: payload.jobId } })) ? 'already-settled' : 'gone';
    await this.settlement.notify(row, 'progress');
    if (row.batchId && !this.startedBatches.has(row.batchId)) {
      await this.prisma.backgroundRemovalBatch.updateMany({ where: { id: row.batchId, status: 'QUEUED' }, data: { status: 'PROCESSING' } });
      if (this.startedBatches.size >= STARTED_BATCHES_KEPT) this.startedBatches.clear();
      this.startedBatches.add(row.batchId);
    }

    const started = Date.now();
    try {
      const model = await this.catalog.modelByKey(row.modelKey);
      if (!model) throw new DomainError('CATALOG_EMPTY', `Model ${row.modelKey} is no longer in the catalogue`);
      const catalogModel = toCatalogModel(model);
      const { providerId, remover } = this.providers.backgroundRemover(catalogModel);
      const input = await this.storage.get('private', row.inputKey);
      const options = row.options as unknown as StoredRemovalOptions;
      // Test mode is free and a preview is cheap: the provider gets the small input, never a full-size inference.
      const inputSide = smallest(row.testMode ? this.config.TEST_MODE_MAX_SIDE : undefined, options.outputSize === 'preview' ? previewMaxSide(row.width, row.height) : undefined);
      // Decoded once: the provider, the cut-out and (for PNG) the thumbnail work on these pixels, not on re-encodings.
      const source = await this.images.decode(input, { maxSide: inputSide });
      const mask = await remover.removeBackground({ image: source, model: catalogModel });
      const cutout = await this.images.applyAlphaMask(source, mask);
      const maxSide = smallest(inputSide, model.maxResolution ?? undefined);
      const bgImage = row.bgImageKey && !options.maskOnly ? { bytes: await this.storage.get('private', row.bgImageKey), fit: options.bgImageFit ?? 'cover' } : undefined;
      const output = await this.images.composeOutput(cutout.data, cutout.width, cutout.height, {
        ...options,
        bgImage,
        maxSide,
        watermark: row.testMode,
      });
      const outputKey = storageLayout.removal.output(row.userId, row.id, output.extension);
      const thumbnailKey = storageLayout.removal.thumbnail(row.userId, row.id);
      // The output's write (a file and its fsync, or an upload) overlaps the thumbnail's encode on libvips' thread.
      await Promise.all([
        this.storage.put('public', outputKey, output.data, { contentType: output.contentType }),
        this.images
          .thumbnail(output.pixels ?? output.data, { size: 256, format: 'webp' })
          .then((thumbnail) => this.storage.put('public', thumbnailKey, thumbnail, { contentType: 'image/webp' })),
      ]);
      const settled = await this.settlement.succeed(row, {
        outputKey,
        outputUrl: this.storage.publicUrl(outputKey),
        thumbnailUrl: this.storage.publicUrl(thumbnailKey),
        outputFormat: output.extension,
        outputWidth: output.width,
        outputHeight: output.height,
        provider: providerId,
        processingMs: Date.now() - started,
      });
      if (!settled) return this.discardUnlessSucceeded(row);
      return 'succeeded';
    } catch (err) {
      return (await this.settlement.handleError(row, err, job)) ? 'failed' : 'already-settled';
    }
  }

  /**
   * This run lost the race to settle the row (a duplicate run after a stall, a late run of a job that was failed or
   * canceled and paid back meanwhile). Its outputs must not stay public for a job the user got their money back for;
   * they share keys with the run that did succeed, so they stay only when the row is SUCCEEDED.
   */
  private async discardUnlessSucceeded(row: BackgroundRemovalJob): Promise<PaidJobOutcome> {
    const current = await this.prisma.backgroundRemovalJob.findUnique({ where: { id: row.id }, select: { status: true } });
    if (current?.status !== 'SUCCEEDED') await this.storage.deletePrefix('public', storageLayout.removal.jobPrefix(row.userId, row.id));
    return 'already-settled';
  }
}

function smallest(...sides: (number | undefined)[]): number | undefined {
  const given = sides.filter((s): s is number => s !== undefined);
  return given.length ? Math.min(...given) : undefined;
}

import { PassThrough } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { ZipArchive } from 'archiver';
import { BATCH_UPLOAD_ORDER, JobHandler, JobName, JobPayloads, JobProducer } from '@app/jobs';
import { BatchStatus, PrismaService } from '@app/prisma';
import { StorageService, storageLayout } from '@app/storage';
import { batchItemsSettled, webhookJobId } from '../jobs/removal-settlement.service';
import { WEBHOOK_DELIVERY_OPTIONS } from '../webhooks/webhook-sender.service';

/**
 * Outputs are read in 1 MiB chunks instead of 64 KiB: every chunk passes the archive's CRC, its two stream layers and
 * the storage write. For 12 cut-outs of 1.7 MB this took the ZIP from ~120 to ~50 ms of CPU (measured in isolation);
 * the memory per entry in flight (one at a time) stays small.
 */
const ZIP_READ_CHUNK_BYTES = 1024 * 1024;

/** After the last item settles: ZIP the succeeded outputs (streamed), set the final status, notify the webhook. */
@Injectable()
export class FinalizeBatchHandler {
  private readonly logger = new Logger(FinalizeBatchHandler.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly storage: StorageService,
    private readonly jobs: JobProducer,
  ) {}

  @JobHandler(JobName.FinalizeBatch)
  async handle(payload: JobPayloads['finalize-batch']): Promise<string> {
    const batch = await this.prisma.backgroundRemovalBatch.findUnique({ where: { id: payload.batchId } });
    if (!batch || (batch.status !== 'QUEUED' && batch.status !== 'PROCESSING')) return 'already final';
    if (!batchItemsSettled(batch)) return 'not settled yet';

    const succeeded = await this.prisma.backgroundRemovalJob.findMany({
      where: { batchId: batch.id, status: 'SUCCEEDED', outputKey: { not: null } },
      orderBy: BATCH_UPLOAD_ORDER,
      select: { id: true, outputKey: true, originalFilename: true, outputFormat: true },
    });
    let zipKey: string | null = null;
    if (succeeded.length > 0) {
      zipKey = storageLayout.removal.batchZip(batch.userId, batch.id);
      await this.writeZip(zipKey, succeeded);
    }
    const status = finalBatchStatus(batch, succeeded.length);
    const { count } = await this.prisma.backgroundRemovalBatch.updateMany({
      where: { id: batch.id, status: { in: ['QUEUED', 'PROCESSING'] } },
      data: { status, zipKey, zipUrl: zipKey ? this.storage.publicUrl(zipKey) : null, completedAt: new Date() },
    });
    if (count === 1 && batch.webhookUrl) {
      await this.jobs.enqueue(JobName.DeliverBatchWebhook, { batchId: batch.id }, {
        jobId: webhookJobId(batch.id),
        ...WEBHOOK_DELIVERY_OPTIONS,
      });
    }
    this.logger.log({ batchId: batch.id, status, files: succeeded.length }, 'batch finalized');
    return status;
  }

  /** Streams each output into the archive and the archive into storage: memory stays flat for any batch size. */
  private async writeZip(key: string, items: { id: string; outputKey: string | null; originalFilename: string | null; outputFormat: string }[]): Promise<void> {
    const archive = new ZipArchive({ store: true }); // PNG/WebP are already compressed
    const sink = new PassThrough();
    archive.pipe(sink);
    const stored = this.storage.put('public', key, sink, { contentType: 'application/zip' });
    const failed = new Promise<never>((_, reject) => archive.on('error', reject));
    const names = new Set<string>();
    for (const [i, item] of items.entries()) {
      archive.append(await this.storage.openReadStream('public', item.outputKey!, { chunkBytes: ZIP_READ_CHUNK_BYTES }), { name: zipEntryName(i, item.originalFilename, item.outputFormat, names) });
    }
    await Promise.race([Promise.all([archive.finalize(), stored]), failed]);
  }
}

/**
 * COMPLETED: every item succeeded. A batch its owner canceled ends CANCELED when no item produced an output and
 * PARTIAL when some did (the ZIP holds them). Otherwise FAILED when nothing succeeded, else PARTIAL.
 */
export function finalBatchStatus(batch: { failedItems: number; canceledItems: number }, succeeded: number): BatchStatus {
  if (batch.canceledItems > 0) return succeeded > 0 ? 'PARTIAL' : 'CANCELED';
  return batch.failedItems === 0 ? 'COMPLETED' : succeeded === 0 ? 'FAILED' : 'PARTIAL';
}

/** `<n>-<original name>.<ext>`, unique within the archive, no path components. */
function zipEntryName(index: number, original: string | null, ext: string, taken: Set<string>): string {
  const stem = (original ?? `image-${index + 1}`).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._ -]/g, '_').slice(0, 100) || `image-${index + 1}`;
  let name = `${String(index + 1).padStart(3, '0')}-${stem}.${ext}`;
  for (let n = 2; taken.has(name); n++) name = `${String(index + 1).padStart(3, '0')}-${stem}-${n}.${ext}`;
  taken.add(name);
  return name;
}

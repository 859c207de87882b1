import { Injectable } from '@nestjs/common';
import { afterCursor, NotFoundError, parseCursor, toPage } from '@app/common';
import { REMOVAL_REFERENCE_TYPES } from '@app/background-remover';
import { BATCH_UPLOAD_ORDER, JobProducer, QueueName } from '@app/jobs';
import { BackgroundRemovalBatch, BackgroundRemovalJob, JobStatus, PrismaService } from '@app/prisma';
import { CursorQueryDto } from '../common/pagination.dto';
import { BatchDto, BatchPageDto, RemovalJobDto, RemovalJobPageDto, RemovalStatsDto } from './dto/removal-responses.dto';

const TERMINAL_BATCH = new Set(['COMPLETED', 'PARTIAL', 'FAILED', 'CANCELED']);

/** Read side: every query is scoped by the owner, so another user's id is simply "not found". */
@Injectable()
export class RemovalQueryService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobProducer,
  ) {}

  async getJob(userId: string, id: string): Promise<RemovalJobDto> {
    return toJobDto(await this.findJob(userId, id));
  }

  async findJob(userId: string, id: string): Promise<BackgroundRemovalJob> {
    const job = await this.prisma.backgroundRemovalJob.findFirst({ where: { id, userId } });
    if (!job) throw new NotFoundError('Job');
    return job;
  }

  async listJobs(userId: string, query: CursorQueryDto & { status?: JobStatus }): Promise<RemovalJobPageDto> {
    const rows = await this.prisma.backgroundRemovalJob.findMany({
      where: { userId, ...(query.status ? { status: query.status } : {}), ...afterCursor(parseCursor(query.cursor)) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    });
    const page = toPage(rows, query.limit);
    return { items: page.items.map(toJobDto), nextCursor: page.nextCursor };
  }

  async getBatch(userId: string, id: string): Promise<BatchDto> {
    const batch = await this.prisma.backgroundRemovalBatch.findFirst({
      where: { id, userId },
      include: { jobs: { orderBy: BATCH_UPLOAD_ORDER } },
    });
    if (!batch) throw new NotFoundError('Batch');
    const dto = toBatchDto(batch);
    if (batch.status === 'QUEUED') dto.queueDepth = await this.queueDepth();
    dto.items = batch.jobs.map((j) => ({
      id: j.id,
      status: j.status,
      originalFilename: j.originalFilename,
      outputUrl: j.outputUrl,
      thumbnailUrl: j.thumbnailUrl,
      errorCode: j.errorCode,
    }));
    return dto;
  }

  /** For the ZIP download: the batch row, owner-scoped. */
  async findBatch(userId: string, id: string): Promise<BackgroundRemovalBatch> {
    const batch = await this.prisma.backgroundRemovalBatch.findFirst({ where: { id, userId } });
    if (!batch) throw new NotFoundError('Batch');
    return batch;
  }

  async listBatches(userId: string, query: CursorQueryDto): Promise<BatchPageDto> {
    const rows = await this.prisma.backgroundRemovalBatch.findMany({
      where: { userId, ...afterCursor(parseCursor(query.cursor)) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    });
    const page = toPage(rows, query.limit);
    return { items: page.items.map(toBatchDto), nextCursor: page.nextCursor };
  }

  async stats(userId: string): Promise<RemovalStatsDto> {
    const [byStatus, byTier, batches, ledger] = await Promise.all([
      this.prisma.backgroundRemovalJob.groupBy({ by: ['status'], where: { userId }, _count: { _all: true } }),
      this.prisma.backgroundRemovalJob.groupBy({
        by: ['tier'],
        where: { userId, status: 'SUCCEEDED' },
        _count: { _all: true },
        _sum: { creditCharged: true },
      }),
      this.prisma.backgroundRemovalBatch.count({ where: { userId } }),
      this.prisma.creditTransaction.aggregate({
        where: { userId, referenceType: { in: Object.values(REMOVAL_REFERENCE_TYPES) } },
        _sum: { amount: true },
      }),
    ]);
    const count = (s: JobStatus) => byStatus.find((r) => r.status === s)?._count._all ?? 0;
    return {
      imagesProcessed: count('SUCCEEDED'),
      imagesFailed: count('FAILED'),
      imagesPending: count('QUEUED') + count('PROCESSING'),
      batches,
      creditsSpent: -(ledger._sum.amount ?? 0),
      byTier: byTier.map((t) => ({ tier: t.tier, images: t._count._all, creditsSpent: t._sum.creditCharged ?? 0 })),
    };
  }

  isTerminal(batch: { status: string }): boolean {
    return TERMINAL_BATCH.has(batch.status);
  }

  private queueDepth(): Promise<number> {
    return this.jobs.queue(QueueName.BackgroundRemoval).getWaitingCount();
  }
}

export function toJobDto(job: BackgroundRemovalJob): RemovalJobDto {
  return {
    id: job.id,
    status: job.status,
    tier: job.tier,
    batchId: job.batchId,
    originalFilename: job.originalFilename,
    width: job.width,
    height: job.height,
    outputWidth: job.outputWidth,
    outputHeight: job.outputHeight,
    options: job.options as Record<string, unknown>,
    outputUrl: job.outputUrl,
    thumbnailUrl: job.thumbnailUrl,
    paidWith: job.paidWith,
    creditCharged: job.creditCharged,
    testMode: job.testMode,
    webhookUrl: job.webhookUrl,
    webhookEvents: job.webhookEvents,
    errorCode: job.errorCode,
    errorMessage: job.errorMessage,
    createdAt: job.createdAt,
    completedAt: job.completedAt,
  };
}

/** X-Width/X-Height: the output's size, once the job has one. */
export function outputSizeHeaders(job: { outputWidth: number | null; outputHeight: number | null }): Record<string, string> {
  return job.outputWidth && job.outputHeight ? { 'x-width': String(job.outputWidth), 'x-height': String(job.outputHeight) } : {};
}

export function toBatchDto(batch: BackgroundRemovalBatch): BatchDto {
  const settled = batch.succeededItems + batch.failedItems + batch.canceledItems;
  return {
    id: batch.id,
    status: batch.status,
    tier: batch.tier,
    totalItems: batch.totalItems,
    succeededItems: batch.succeededItems,
    failedItems: batch.failedItems,
    canceledItems: batch.canceledItems,
    pendingItems: batch.totalItems - settled,
    progress: Math.floor((settled * 100) / batch.totalItems),
    unitPrice: batch.unitPrice,
    discountPct: batch.discountPct,
    creditCharged: batch.creditCharged,
    creditRefunded: batch.creditRefunded,
    paidWith: batch.paidWith,
    testMode: batch.testMode,
    zipUrl: batch.zipUrl,
    createdAt: batch.createdAt,
    completedAt: batch.completedAt,
    canceledAt: batch.canceledAt,
  };
}

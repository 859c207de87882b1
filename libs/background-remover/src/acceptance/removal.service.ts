import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DomainError, mapInOrder, resolvePublicTarget, settleAll } from '@app/common';
import { AppConfig } from '@app/config';
import { CreditReference, CreditsService } from '@app/credits';
import { assertSupportedFormat, ImageFormat, ImageInfo, ImagesService } from '@app/images';
import { BATCH_UPLOAD_ORDER, JobName, JobProducer, StoredRemovalOptions } from '@app/jobs';
import { BackgroundRemovalBatch, BackgroundRemovalJob, BackgroundRemoverSubscription, PaymentMethod, Prisma, PrismaService, QualityTier } from '@app/prisma';
import { StorageService, storageLayout } from '@app/storage';
import { RemovalCatalogService } from '../catalog/removal-catalog.service';
import { RemovalRefundService } from '../jobs/removal-refund.service';
import { paymentSources } from '../pricing/payment-policy';
import { OutputSize, ResolvedOutputSize, resolveOutputSize, unitPriceFor } from '../pricing/output-size';
import { quoteItems, splitByWeight } from '../pricing/pricing';
import { SubscriptionQuotaService } from '../subscriptions/subscription-quota.service';
import { SubscriptionService } from '../subscriptions/subscription.service';
import { StoredImage, TestModeAllowance, UploadedImage } from './removal-inputs';
import { removalCreditReference } from '../credit-references';
import type { JobWebhookEvent } from '../webhooks/job-webhook-events';

export interface RemovalRequest {
  userId: string;
  tier: QualityTier;
  /** Requested output size; `auto` is resolved per image from its dimensions. */
  size: OutputSize;
  options: Omit<StoredRemovalOptions, 'outputSize'>;
  testMode: boolean;
}

/** Where a single job sends its events, and which (see JOB_WEBHOOK_EVENTS). */
export interface JobWebhook {
  url: string;
  events: JobWebhookEvent[];
}

interface Payment {
  paidWith: PaymentMethod;
  total: number;
  balance: number | null;
}

const EXTENSION = { jpeg: 'jpg', png: 'png', webp: 'webp', avif: 'avif', heif: 'heic' } as const;
/**
 * A batch's uploads decoded at once: the decoder runs on libuv's threads, so two keep both cores busy and overlap each
 * file's read with another's decode (12 photos of 1 MP: ~40 ms less per POST); more would only hold more files in
 * memory at once.
 */
const BATCH_INSPECT_CONCURRENCY = 2;

/**
 * Creates removal jobs: validate every image (nothing charged if any is bad) → pay (subscription quota, credits,
 * or nothing in test mode) and create the rows in ONE transaction → enqueue. If enqueueing fails the rows are
 * failed and refunded at once, so the client's 503 costs nothing.
 */
@Injectable()
export class RemovalService {
  private readonly logger = new Logger(RemovalService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly catalog: RemovalCatalogService,
    private readonly subscriptions: SubscriptionService,
    private readonly quota: SubscriptionQuotaService,
    private readonly credits: CreditsService,
    private readonly refunds: RemovalRefundService,
    private readonly images: ImagesService,
    private readonly storage: StorageService,
    private readonly jobs: JobProducer,
    private readonly testModeAllowance: TestModeAllowance,
  ) {}

  /**
   * `background` is the image composited behind the subject (the `bgImage` part; a fetched `bgImageUrl` arrives the
   * same way): validated like the input, stored privately next to it, deleted with it by retention.
   */
  async createSingle(req: RemovalRequest & { webhook?: JobWebhook }, file: UploadedImage, background?: UploadedImage): Promise<{ job: BackgroundRemovalJob; payment: Payment }> {
    if (req.webhook) await this.checkWebhookUrl(req.webhook.url);
    const model = await this.catalog.modelForTier(req.tier);
    const jobId = randomUUID();
    const written: string[] = [];
    let created: { job: BackgroundRemovalJob; payment: Payment };
    try {
      // Checking the images, writing them and reading the subscription overlap (libvips decodes on its threads while
      // libuv writes and the database answers); whatever was written is removed if the job is not created.
      const [input, bg, sub] = await settleAll([
        this.storeImage(file.data, (format) => storageLayout.removal.input(req.userId, jobId, EXTENSION[format]), written),
        background
          ? this.storeImage(background.data, (format) => storageLayout.removal.background(req.userId, jobId, EXTENSION[format]), written).catch(asBackgroundError)
          : undefined,
        this.activeSubscription(req),
      ]);
      await this.takeTestAllowance(req, 1);
      const outputSize = resolveOutputSize(req.size, input.info.width, input.info.height);
      created = await this.prisma.$transaction(async (tx) => {
        const payment = await this.pay(tx, req, sub, [unitPriceFor(model, outputSize)], removalCreditReference.job(jobId, `Background removal (${req.tier}, ${outputSize})`));
        const job = await tx.backgroundRemovalJob.create({
          data: {
            id: jobId,
            userId: req.userId,
            tier: req.tier,
            modelKey: model.modelKey,
            paidWith: payment.paidWith,
            creditCharged: payment.total,
            options: storedOptions(req, outputSize),
            inputKey: input.key,
            bgImageKey: bg?.key ?? null,
            originalFilename: safeFilename(file.filename),
            inputMime: `image/${input.info.format}`,
            inputBytes: file.size,
            width: input.info.width,
            height: input.info.height,
            outputFormat: req.options.maskOnly ? 'png' : req.options.format,
            testMode: req.testMode,
            webhookUrl: req.webhook?.url ?? null,
            webhookEvents: req.webhook?.events ?? [],
            expiresAt: this.expiry(),
          },
        });
        return { job, payment };
      });
    } catch (err) {
      await Promise.all(written.map((key) => this.storage.delete('private', key).catch(() => undefined)));
      throw err;
    }
    await this.enqueueOrRefund([created.job]);
    return created;
  }

  /**
   * Checks untrusted bytes (inspect(): format, limits, a full decode) while writing them to private storage under
   * `keyFor(format)`. The key goes into `written` before the write starts, so the caller can remove it whatever fails.
   */
  private async storeImage(bytes: Buffer, keyFor: (format: ImageFormat) => string, written: string[]): Promise<{ info: ImageInfo; key: string }> {
    const format = assertSupportedFormat(bytes);
    const key = keyFor(format);
    written.push(key);
    const [info] = await settleAll([this.images.inspect(bytes), this.storage.put('private', key, bytes, { contentType: `image/${format}` })]);
    return { info, key };
  }

  /**
   * `uploads` (and the optional `background`, shared by every item) were streamed to private storage under
   * `uploadPrefix`; they are validated here, BATCH_INSPECT_CONCURRENCY at a time.
   */
  async createBatch(
    req: RemovalRequest & { webhookUrl?: string },
    uploads: StoredImage[],
    uploadPrefix: string,
    background?: StoredImage,
  ): Promise<{ batch: BackgroundRemovalBatch; payment: Payment }> {
    try {
      if (req.webhookUrl) await this.checkWebhookUrl(req.webhookUrl);
      if (uploads.length === 0) {
        throw new DomainError('VALIDATION_FAILED', 'Send at least one image in `images`', {
          fields: [{ field: 'images', errors: ['at least one image is required'] }],
        });
      }
      const inspected = await mapInOrder(uploads, BATCH_INSPECT_CONCURRENCY, (upload, index) => this.inspectBatchItem(upload, index));
      if (background) await this.inspectBackground(await this.storage.get('private', background.key));
      const model = await this.catalog.modelForTier(req.tier);
      await this.takeTestAllowance(req, uploads.length);
      const batchId = randomUUID();
      const sizes = inspected.map((info) => resolveOutputSize(req.size, info.width, info.height));
      const unitPrices = sizes.map((size) => unitPriceFor(model, size));
      const quote = quoteItems(unitPrices);

      const sub = await this.activeSubscription(req);
      const created = await this.prisma.$transaction(async (tx) => {
        const payment = await this.pay(tx, req, sub, unitPrices, removalCreditReference.batch(batchId, `Background removal batch of ${uploads.length} (${req.tier}, ${req.size})`));
        const batch = await tx.backgroundRemovalBatch.create({
          data: {
            id: batchId,
            userId: req.userId,
            tier: req.tier,
            modelKey: model.modelKey,
            totalItems: uploads.length,
            unitPrice: quote.unitPrice,
            discountPct: payment.paidWith === 'CREDITS' ? quote.discountPct : 0,
            creditCharged: payment.total,
            paidWith: payment.paidWith,
            options: storedOptions(req, req.size === 'auto' ? undefined : req.size),
            webhookUrl: req.webhookUrl ?? null,
            testMode: req.testMode,
            expiresAt: this.expiry(),
          },
        });
        const shares = splitByWeight(payment.total, unitPrices);
        await tx.backgroundRemovalJob.createMany({
          data: uploads.map((upload, i) => ({
            userId: req.userId,
            batchId,
            position: i,
            tier: req.tier,
            modelKey: model.modelKey,
            paidWith: payment.paidWith,
            creditCharged: shares[i]!,
            options: storedOptions(req, sizes[i]!),
            inputKey: upload.key,
            bgImageKey: background?.key ?? null,
            originalFilename: safeFilename(upload.filename),
            inputMime: `image/${inspected[i]!.format}`,
            inputBytes: upload.size,
            width: inspected[i]!.width,
            height: inspected[i]!.height,
            outputFormat: req.options.maskOnly ? 'png' : req.options.format,
            testMode: req.testMode,
            expiresAt: this.expiry(),
          })),
        });
        return { batch, payment };
      });
      const jobs = await this.prisma.backgroundRemovalJob.findMany({ where: { batchId }, orderBy: BATCH_UPLOAD_ORDER });
      await this.enqueueOrRefund(jobs, created.batch);
      return created;
    } catch (err) {
      await this.storage.deletePrefix('private', uploadPrefix).catch(() => undefined);
      throw err;
    }
  }

  /** One upload of a batch, fully decoded; a failure names the image by position and file name. */
  private async inspectBatchItem(upload: StoredImage, index: number): Promise<ImageInfo> {
    try {
      return await this.images.inspect(await this.storage.get('private', upload.key));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      throw new DomainError(err.code, `Image ${index + 1} (${safeFilename(upload.filename) ?? 'unnamed'}): ${err.message}`, {
        ...err.details,
        index,
        filename: safeFilename(upload.filename),
      });
    }
  }

  /** The background image gets the input's checks (content sniffed, size and pixel limits); errors name `bgImage`. */
  private async inspectBackground(bytes: Buffer): Promise<ImageInfo> {
    return this.images.inspect(bytes).catch(asBackgroundError);
  }

  /** The subscription that may pay (read before the payment's transaction: the quota statement re-checks it). */
  private async activeSubscription(req: RemovalRequest): Promise<BackgroundRemoverSubscription | null> {
    return req.testMode ? null : this.subscriptions.active(req.userId);
  }

  /** The outbound URL policy, applied when the URL is accepted (and again at each delivery). */
  private async checkWebhookUrl(url: string): Promise<void> {
    await resolvePublicTarget(url, { field: 'webhookUrl', allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE_TARGETS });
  }

  /** Free test-mode calls are capped per user and day (each still costs us an inference). */
  private async takeTestAllowance(req: RemovalRequest, count: number): Promise<void> {
    if (req.testMode) await this.testModeAllowance.take(req.userId, count);
  }

  /** Subscription quota first (if it covers the tier and has room for all), else credits; test mode is free. */
  private async pay(tx: Prisma.TransactionClient, req: RemovalRequest, sub: BackgroundRemoverSubscription | null, unitPrices: number[], reference: CreditReference): Promise<Payment> {
    for (const source of paymentSources(req, sub)) {
      if (source === 'TEST') return { paidWith: 'TEST', total: 0, balance: null };
      if (source === 'SUBSCRIPTION_QUOTA' && sub && (await this.quota.consume(sub.id, unitPrices.length, tx))) {
        return { paidWith: 'SUBSCRIPTION', total: 0, balance: null };
      }
    }
    const { total } = quoteItems(unitPrices);
    const charged = await this.credits.charge(req.userId, total, reference, tx);
    return { paidWith: 'CREDITS', total, balance: charged.balance };
  }

  private async enqueueOrRefund(jobs: BackgroundRemovalJob[], batch?: BackgroundRemovalBatch): Promise<void> {
    try {
      await this.jobs.enqueueBulk(
        JobName.RemoveBackground,
        jobs.map((j) => ({ payload: { jobId: j.id }, jobId: j.id })),
      );
    } catch (err) {
      this.logger.warn({ count: jobs.length, batchId: batch?.id }, 'enqueue failed: failing and refunding the new jobs');
      await this.prisma.$transaction(async (tx) => {
        const failed = await tx.backgroundRemovalJob.updateMany({
          where: { id: { in: jobs.map((j) => j.id) }, status: 'QUEUED' },
          data: { status: 'FAILED', errorCode: 'QUEUE_UNAVAILABLE', errorMessage: 'The job queue was unavailable', completedAt: new Date() },
        });
        if (failed.count !== jobs.length) return; // a reconciler got there first: leave the rows to it
        if (batch?.paidWith === 'CREDITS') {
          await this.credits.refund(batch.userId, batch.creditCharged, removalCreditReference.batch(batch.id, 'Refund: queue unavailable'), tx);
        } else {
          for (const job of jobs) await this.refunds.refund({ ...job, batchId: null }, tx);
        }
        if (batch) {
          await tx.backgroundRemovalBatch.update({
            where: { id: batch.id },
            data: { status: 'FAILED', failedItems: jobs.length, creditRefunded: batch.creditCharged, completedAt: new Date() },
          });
        }
      });
      throw err;
    }
  }

  /** Removes streamed uploads of a request that was rejected before any job was created. */
  async discardUploads(uploadPrefix: string): Promise<void> {
    await this.storage.deletePrefix('private', uploadPrefix).catch(() => undefined);
  }

  private expiry(): Date {
    return new Date(Date.now() + this.config.RETENTION_DAYS * 24 * 3600_000);
  }
}

/** A background image's validation error, named after its field. */
function asBackgroundError(err: unknown): never {
  if (err instanceof DomainError) throw new DomainError(err.code, `bgImage: ${err.message}`, { ...err.details, field: 'bgImage' });
  throw err;
}

function storedOptions(req: RemovalRequest, outputSize: ResolvedOutputSize | undefined): Prisma.InputJsonValue {
  const stored: StoredRemovalOptions = { ...req.options, ...(outputSize ? { outputSize } : {}) };
  return stored as unknown as Prisma.InputJsonValue;
}

/** Keeps a display name only: no path, no control characters, bounded length. */
export function safeFilename(name: string | undefined): string | null {
  if (!name) return null;
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255);
  return cleaned || null;
}

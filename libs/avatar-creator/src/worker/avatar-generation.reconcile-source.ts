import { Injectable, Logger } from '@nestjs/common';
import { JobName, JobProducer, MAX_TOTAL_ATTEMPTS, OPEN_JOB_STATUSES, QueueName, ReconcileSource } from '@app/jobs';
import { PrismaService } from '@app/prisma';
import { AvatarGenerationSettlement } from './avatar-generation-settlement.service';

/** Job states after which BullMQ will not run the job again by itself (the id stays taken until removed). */
const FINISHED_STATES = new Set(['completed', 'failed']);

/**
 * Avatar generations for the reconciler: rows left QUEUED/PROCESSING with no live job (API crashed between
 * commit and enqueue, Redis lost the job, a job ended without settling) are enqueued again; a row that already
 * used MAX_TOTAL_ATTEMPTS is failed and refunded instead of looping forever.
 */
@Injectable()
export class AvatarGenerationReconcileSource implements ReconcileSource {
  readonly name = 'avatar-generations';
  private readonly logger = new Logger(AvatarGenerationReconcileSource.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobProducer,
    private readonly settlement: AvatarGenerationSettlement,
  ) {}

  async findUnsettled(before: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.avatarGeneration.findMany({
      where: { status: { in: OPEN_JOB_STATUSES }, updatedAt: { lt: before } },
      orderBy: { updatedAt: 'asc' },
      take: limit,
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  jobState(id: string): Promise<string> {
    return this.jobs.queue(QueueName.AvatarGeneration).getJobState(id);
  }

  async requeue(id: string): Promise<void> {
    const generation = await this.prisma.avatarGeneration.findUnique({ where: { id } });
    if (!generation || (generation.status !== 'QUEUED' && generation.status !== 'PROCESSING')) return;
    if (generation.attempts >= MAX_TOTAL_ATTEMPTS) {
      await this.settlement.fail(generation, {
        providerId: generation.provider ?? 'unresolved',
        errorCode: 'INTERNAL_ERROR',
        errorMessage: `The generation did not complete after ${generation.attempts} attempts`,
        durationMs: 0,
      });
      this.logger.warn({ generationId: id, attempts: generation.attempts }, 'gave up on a generation that kept failing to settle');
      return;
    }
    // A finished job keeps its id: remove it, or the add below would be ignored as a duplicate.
    const queue = this.jobs.queue(QueueName.AvatarGeneration);
    if (FINISHED_STATES.has(await queue.getJobState(id))) await queue.remove(id);
    await this.jobs.enqueue(JobName.GenerateAvatar, { generationId: id }, { jobId: id });
  }
}

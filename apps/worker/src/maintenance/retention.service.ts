import { Injectable, Logger } from '@nestjs/common';
import { JobName } from '@app/jobs';
import { PrismaService } from '@app/prisma';
import { JobHandler } from '../jobs/job-handler.decorator';

/** Deletes what has outlived its retention: expired idempotency records (product outputs join here). */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(private readonly prisma: PrismaService) {}

  @JobHandler(JobName.RetentionSweep)
  async sweep(): Promise<{ idempotencyKeys: number }> {
    const { count } = await this.prisma.idempotencyKey.deleteMany({ where: { expiresAt: { lt: new Date() } } });
    if (count) this.logger.log({ idempotencyKeys: count }, 'retention sweep');
    return { idempotencyKeys: count };
  }
}

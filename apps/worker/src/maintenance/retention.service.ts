import { Inject, Injectable, Logger } from '@nestjs/common';
import { JobHandler, JobName, RETENTION_SWEEPERS, RetentionSweeper } from '@app/jobs';
import { PrismaService } from '@app/prisma';

/** The retention sweep: expired idempotency records here, product outputs through their sweepers. */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    private readonly prisma: PrismaService,
    @Inject(RETENTION_SWEEPERS) private readonly sweepers: RetentionSweeper[],
  ) {}

  @JobHandler(JobName.RetentionSweep)
  async sweep(): Promise<Record<string, number>> {
    const now = new Date();
    const { count } = await this.prisma.idempotencyKey.deleteMany({ where: { expiresAt: { lt: now } } });
    const removed: Record<string, number> = { idempotencyKeys: count };
    for (const sweeper of this.sweepers) removed[sweeper.name] = await sweeper.sweep(now);
    if (Object.values(removed).some((n) => n > 0)) this.logger.log(removed, 'retention sweep');
    return removed;
  }
}

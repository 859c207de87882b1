import { Injectable, Logger } from '@nestjs/common';
import { PrismaService } from '@app/prisma';
import { CATALOG } from './catalog.data';

/**
 * Idempotent seed: upserts every catalogue row by model key. Runs on every deploy. `enabled` is set only when a
 * row is created, so an operator who disabled a model keeps it disabled.
 */
@Injectable()
export class SeedService {
  private readonly logger = new Logger(SeedService.name);

  constructor(private readonly prisma: PrismaService) {}

  async seed(): Promise<{ created: number; updated: number }> {
    let created = 0;
    let updated = 0;
    for (const row of CATALOG) {
      const existing = await this.prisma.aiModel.findUnique({ where: { modelKey: row.modelKey }, select: { id: true } });
      const { enabled: _enabled, ...fields } = row;
      await this.prisma.aiModel.upsert({ where: { modelKey: row.modelKey }, create: row, update: fields });
      if (existing) updated++;
      else created++;
    }
    this.logger.log(`AI model catalogue seeded: ${created} created, ${updated} updated`);
    return { created, updated };
  }
}

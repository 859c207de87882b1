import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { afterCursor, NotFoundError, parseCursor, toPage } from '@app/common';
import { CreditsService } from '@app/credits';
import { PrismaService } from '@app/prisma';
import { AuthUser } from '../auth/auth.decorators';
import { CursorQueryDto } from '../common/pagination.dto';
import { CreditTransactionPageDto, GrantCreditsDto, GrantResultDto } from './dto/credits.dto';

@Injectable()
export class CreditsQueryService {
  private readonly logger = new Logger(CreditsQueryService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly credits: CreditsService,
  ) {}

  async listTransactions(userId: string, query: CursorQueryDto): Promise<CreditTransactionPageDto> {
    const rows = await this.prisma.creditTransaction.findMany({
      where: { userId, ...afterCursor(parseCursor(query.cursor)) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
      omit: { userId: true },
    });
    return toPage(rows, query.limit);
  }

  async adminGrant(admin: AuthUser, dto: GrantCreditsDto): Promise<GrantResultDto> {
    const user = await this.prisma.user.findFirst({
      where: dto.userId ? { id: dto.userId } : { email: dto.email!.toLowerCase() },
      select: { id: true },
    });
    if (!user) throw new NotFoundError('User');
    const result = await this.credits.grant(user.id, dto.amount, {
      referenceType: 'admin_grant',
      referenceId: dto.grantId ?? randomUUID(),
      description: `${dto.reason} (by ${admin.email})`,
    });
    this.logger.log({ adminId: admin.id, userId: user.id, amount: dto.amount, applied: result.applied }, 'admin credit grant');
    return { userId: user.id, ...result };
  }
}

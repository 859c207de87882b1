import { Injectable, Logger } from '@nestjs/common';
import { afterCursor, NotFoundError, toPage } from '@app/common';
import { PrismaService } from '@app/prisma';
import { StorageService } from '@app/storage';
import { parseCursor } from '../common/cursor';
import { CursorQueryDto } from '../common/pagination.dto';
import { AvatarProjectsService } from './avatar-projects.service';
import { toAvatarDto } from './avatar-creator.mappers';
import { AvatarDto, AvatarPageDto } from './dto/avatar.dto';

/** Reading and deleting avatars, owner-scoped. */
@Injectable()
export class AvatarsService {
  private readonly logger = new Logger(AvatarsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly projects: AvatarProjectsService,
    private readonly storage: StorageService,
  ) {}

  async listInProject(userId: string, projectId: string, query: CursorQueryDto): Promise<AvatarPageDto> {
    await this.projects.findOwned(userId, projectId);
    const rows = await this.prisma.avatar.findMany({
      where: { projectId, userId, ...afterCursor(parseCursor(query.cursor)) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    });
    const page = toPage(rows, query.limit);
    return { items: page.items.map(toAvatarDto), nextCursor: page.nextCursor };
  }

  async get(userId: string, avatarId: string): Promise<AvatarDto> {
    const avatar = await this.prisma.avatar.findFirst({ where: { id: avatarId, userId } });
    if (!avatar) throw new NotFoundError('Avatar');
    return toAvatarDto(avatar);
  }

  /**
   * Deletes the avatar and its files. A generated avatar shares its files with its generation, so the
   * generation's output URLs are cleared in the same transaction (never a URL to a deleted file).
   */
  async delete(userId: string, avatarId: string): Promise<void> {
    const avatar = await this.prisma.$transaction(async (tx) => {
      const found = await tx.avatar.findFirst({ where: { id: avatarId, userId } });
      if (!found) throw new NotFoundError('Avatar');
      await tx.avatar.delete({ where: { id: found.id } });
      if (found.generationId) {
        await tx.avatarGeneration.updateMany({
          where: { id: found.generationId },
          data: { outputKey: null, outputUrl: null, thumbnailKey: null, thumbnailUrl: null },
        });
      }
      return found;
    });
    for (const key of [avatar.imageKey, avatar.thumbnailKey]) {
      await this.storage.delete('public', key).catch((err: unknown) => {
        this.logger.error({ err, avatarId, key }, 'avatar deleted but a file could not be removed');
      });
    }
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { afterCursor, NotFoundError, Page, PageRequest, parseCursor, toPage } from '@app/common';
import { Avatar, PrismaService } from '@app/prisma';
import { StorageService } from '@app/storage';
import { AvatarProjectsService } from '../projects/avatar-projects.service';

/** Reading and deleting avatars, owner-scoped. */
@Injectable()
export class AvatarsService {
  private readonly logger = new Logger(AvatarsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly projects: AvatarProjectsService,
    private readonly storage: StorageService,
  ) {}

  /** A project's avatars, newest first (404 if the project is not the user's). */
  async listInProject(userId: string, projectId: string, page: PageRequest): Promise<Page<Avatar>> {
    await this.projects.findOwned(userId, projectId);
    const rows = await this.prisma.avatar.findMany({
      where: { projectId, userId, ...afterCursor(parseCursor(page.cursor)) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: page.limit + 1,
    });
    return toPage(rows, page.limit);
  }

  async get(userId: string, avatarId: string): Promise<Avatar> {
    const avatar = await this.prisma.avatar.findFirst({ where: { id: avatarId, userId } });
    if (!avatar) throw new NotFoundError('Avatar');
    return avatar;
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

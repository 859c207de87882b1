import { Injectable, Logger } from '@nestjs/common';
import { afterCursor, NotFoundError, Page, PageRequest, parseCursor, toPage } from '@app/common';
import { CreditsService } from '@app/credits';
import { OPEN_JOB_STATUSES } from '@app/jobs';
import { AvatarProject, Prisma, PrismaService } from '@app/prisma';
import { StorageService, storageLayout } from '@app/storage';
import { PROJECT_PREVIEW_THUMBNAILS } from '../avatar-creator.constants';
import { avatarGenerationCreditReference } from '../credit-references';

/** Avatar count and the newest thumbnails, loaded with every project. */
const SUMMARY = {
  _count: { select: { avatars: true } },
  avatars: {
    select: { thumbnailUrl: true },
    orderBy: [{ createdAt: 'desc' as const }, { id: 'desc' as const }],
    take: PROJECT_PREVIEW_THUMBNAILS,
  },
};

/** A project with its avatar count and newest thumbnails (what every project response shows). */
export type ProjectWithSummary = AvatarProject & {
  _count: { avatars: number };
  avatars: { thumbnailUrl: string }[];
};

export interface ProjectFields {
  name: string;
  description?: string;
}

/** A partial update: an absent field is left alone; a null description clears it. */
export interface ProjectChanges {
  name?: string;
  description?: string | null;
}

/** Owner-scoped project CRUD: another user's project is indistinguishable from a missing one (404). */
@Injectable()
export class AvatarProjectsService {
  private readonly logger = new Logger(AvatarProjectsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly credits: CreditsService,
    private readonly storage: StorageService,
  ) {}

  /** The user's project or 404. Every route under /projects/:id starts here. */
  async findOwned(userId: string, projectId: string): Promise<AvatarProject> {
    const project = await this.prisma.avatarProject.findFirst({ where: { id: projectId, userId } });
    if (!project) throw new NotFoundError('Project');
    return project;
  }

  /**
   * Inside a transaction that adds rows to a project: checks ownership and holds a share lock on the project row
   * until commit, so a concurrent delete waits for the new rows (and then deletes, settles and refunds them)
   * instead of the insert failing on the foreign key.
   */
  async lockOwned(tx: Prisma.TransactionClient, userId: string, projectId: string): Promise<void> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM avatar_projects WHERE id = ${projectId}::uuid AND user_id = ${userId}::uuid FOR SHARE`;
    if (rows.length === 0) throw new NotFoundError('Project');
  }

  /** The user's projects, newest first. */
  async list(userId: string, page: PageRequest): Promise<Page<ProjectWithSummary>> {
    const rows = await this.prisma.avatarProject.findMany({
      where: { userId, ...afterCursor(parseCursor(page.cursor)) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: page.limit + 1,
      include: SUMMARY,
    });
    return toPage(rows, page.limit);
  }

  async get(userId: string, projectId: string): Promise<ProjectWithSummary> {
    const project = await this.prisma.avatarProject.findFirst({ where: { id: projectId, userId }, include: SUMMARY });
    if (!project) throw new NotFoundError('Project');
    return project;
  }

  create(userId: string, fields: ProjectFields): Promise<ProjectWithSummary> {
    return this.prisma.avatarProject.create({
      data: { userId, name: fields.name, description: fields.description ?? null },
      include: SUMMARY,
    });
  }

  async update(userId: string, projectId: string, changes: ProjectChanges): Promise<ProjectWithSummary> {
    const { count } = await this.prisma.avatarProject.updateMany({
      where: { id: projectId, userId },
      data: {
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
      },
    });
    if (count === 0) throw new NotFoundError('Project');
    return this.get(userId, projectId);
  }

  /**
   * Deletes the project, its avatars and generations (FK cascades declared on those relations only) and their
   * files. Generations still in flight are settled FAILED here with the same conditional update the worker
   * uses, so exactly one side settles each and the refund happens once; the worker then finds the row gone.
   */
  async delete(userId: string, projectId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      // FOR UPDATE waits for transactions adding rows under lockOwned(), so the settle below sees their rows.
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM avatar_projects WHERE id = ${projectId}::uuid AND user_id = ${userId}::uuid FOR UPDATE`;
      if (locked.length === 0) throw new NotFoundError('Project');
      const inFlight = await tx.avatarGeneration.updateManyAndReturn({
        where: { projectId, status: { in: OPEN_JOB_STATUSES } },
        data: { status: 'FAILED', errorCode: 'PROJECT_DELETED', errorMessage: 'The project was deleted', completedAt: new Date() },
        select: { id: true, creditCharged: true },
      });
      for (const generation of inFlight) {
        await this.credits.refund(
          userId,
          generation.creditCharged,
          avatarGenerationCreditReference(generation.id, 'Avatar generation cancelled: project deleted'),
          tx,
        );
      }
      await tx.avatarProject.delete({ where: { id: projectId } });
    });
    // Files after the commit: a failure here leaves unreachable files, never rows pointing at missing files.
    const prefix = storageLayout.avatar.projectPrefix(userId, projectId);
    try {
      await this.storage.deletePrefix('public', prefix);
    } catch (err) {
      this.logger.error({ err, projectId, prefix }, 'project deleted but its files could not be removed');
    }
  }
}

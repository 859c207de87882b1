import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ImagesService } from '@app/images';
import { Avatar, PrismaService } from '@app/prisma';
import { StorageService, storageLayout } from '@app/storage';
import { THUMBNAIL_SIZE, UPLOAD_MAX_SIDE } from '../avatar-creator.constants';
import { AvatarProjectsService } from '../projects/avatar-projects.service';

/** An image read into memory by the transport (the API's multipart reader), not yet validated. */
export interface AvatarImageUpload {
  filename: string;
  data: Buffer;
}

/**
 * Uploaded image → avatar. The image is checked by content (415/413/422) before anything is stored, then
 * re-encoded by us: EXIF orientation applied, metadata dropped, downscaled to UPLOAD_MAX_SIDE, PNG + thumbnail.
 * Ownership is settled under the project lock when the row is written (404, and the stored files are removed);
 * the API also checks it before reading the request body.
 */
@Injectable()
export class AvatarUploadService {
  private readonly logger = new Logger(AvatarUploadService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly projects: AvatarProjectsService,
    private readonly images: ImagesService,
    private readonly storage: StorageService,
  ) {}

  /** `name` defaults to the file name without its extension. */
  async upload(userId: string, projectId: string, image: AvatarImageUpload, name?: string): Promise<Avatar> {
    await this.images.inspect(image.data);
    const pixels = await this.images.toRgba(image.data, { maxSide: UPLOAD_MAX_SIDE });
    const png = await this.images.fromRgba(pixels.data, pixels.width, pixels.height, { format: 'png' });
    const thumbnail = await this.images.thumbnail(png, { size: THUMBNAIL_SIZE, format: 'webp' });

    const avatarId = randomUUID();
    const keys = storageLayout.avatar.assetKeys(userId, projectId, avatarId);
    await this.storage.put('public', keys.image, png, { contentType: 'image/png' });
    await this.storage.put('public', keys.thumbnail, thumbnail, { contentType: 'image/webp' });
    try {
      return await this.prisma.$transaction(async (tx) => {
        await this.projects.lockOwned(tx, userId, projectId);
        return tx.avatar.create({
          data: {
            id: avatarId,
            userId,
            projectId,
            name: name ?? nameFromFilename(image.filename),
            source: 'UPLOAD',
            imageKey: keys.image,
            imageUrl: this.storage.publicUrl(keys.image),
            thumbnailKey: keys.thumbnail,
            thumbnailUrl: this.storage.publicUrl(keys.thumbnail),
            width: pixels.width,
            height: pixels.height,
          },
        });
      });
    } catch (err) {
      // e.g. the project was deleted while the image was processed: leave no orphan files.
      await Promise.all([keys.image, keys.thumbnail].map((key) => this.storage.delete('public', key))).catch((cleanupErr: unknown) =>
        this.logger.warn({ err: cleanupErr, avatarId }, 'could not remove files of a failed upload'),
      );
      throw err;
    }
  }
}

function nameFromFilename(filename: string): string {
  const base = filename.replace(/\.[^.]*$/, '').trim().slice(0, 100);
  return base || 'Avatar';
}

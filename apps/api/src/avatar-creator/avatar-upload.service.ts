import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { THUMBNAIL_SIZE, UPLOAD_MAX_SIDE } from '@app/avatar-creator';
import { DomainError } from '@app/common';
import { ImagesService } from '@app/images';
import { PrismaService } from '@app/prisma';
import { StorageService, storageLayout } from '@app/storage';
import { MultipartUploadService } from '../common/uploads/multipart-upload.service';
import { flattenErrors } from '../common/validation';
import { toAvatarDto } from './avatar-creator.mappers';
import { AvatarProjectsService } from './avatar-projects.service';
import { AvatarDto, UploadAvatarFieldsDto } from './dto/avatar.dto';

const IMAGE_FIELD = 'image';

/**
 * Multipart image → avatar. The image is checked by content (415/413/422) before anything is stored, then
 * re-encoded by us: EXIF orientation applied, metadata dropped, downscaled to UPLOAD_MAX_SIDE, PNG + thumbnail.
 */
@Injectable()
export class AvatarUploadService {
  private readonly logger = new Logger(AvatarUploadService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly projects: AvatarProjectsService,
    private readonly uploads: MultipartUploadService,
    private readonly images: ImagesService,
    private readonly storage: StorageService,
  ) {}

  async upload(userId: string, projectId: string, request: FastifyRequest): Promise<AvatarDto> {
    await this.projects.findOwned(userId, projectId);
    const { files, fields } = await this.uploads.bufferFiles(request, [IMAGE_FIELD]);
    const meta = await validateFields(fields);
    const file = files[0];
    if (!file || files.length !== 1) {
      throw new DomainError('VALIDATION_FAILED', `Send exactly one image in the "${IMAGE_FIELD}" field`, {
        fields: [{ field: IMAGE_FIELD, errors: [files.length ? 'only one image per upload' : 'an image is required'] }],
      });
    }

    await this.images.inspect(file.data);
    const pixels = await this.images.toRgba(file.data, { maxSide: UPLOAD_MAX_SIDE });
    const png = await this.images.fromRgba(pixels.data, pixels.width, pixels.height, { format: 'png' });
    const thumbnail = await this.images.thumbnail(png, { size: THUMBNAIL_SIZE, format: 'webp' });

    const avatarId = randomUUID();
    const keys = storageLayout.avatar.assetKeys(userId, projectId, avatarId);
    await this.storage.put('public', keys.image, png, { contentType: 'image/png' });
    await this.storage.put('public', keys.thumbnail, thumbnail, { contentType: 'image/webp' });
    try {
      const avatar = await this.prisma.$transaction(async (tx) => {
        await this.projects.lockOwned(tx, userId, projectId);
        return tx.avatar.create({
          data: {
            id: avatarId,
            userId,
            projectId,
            name: meta.name ?? nameFromFilename(file.filename),
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
      return toAvatarDto(avatar);
    } catch (err) {
      // e.g. the project was deleted while the image was processed: leave no orphan files.
      await Promise.all([keys.image, keys.thumbnail].map((key) => this.storage.delete('public', key))).catch((cleanupErr: unknown) =>
        this.logger.warn({ err: cleanupErr, avatarId }, 'could not remove files of a failed upload'),
      );
      throw err;
    }
  }
}

async function validateFields(fields: Record<string, string>): Promise<UploadAvatarFieldsDto> {
  const dto = plainToInstance(UploadAvatarFieldsDto, fields);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw new DomainError('VALIDATION_FAILED', 'Request validation failed', { fields: flattenErrors(errors) });
  return dto;
}

function nameFromFilename(filename: string): string {
  const base = filename.replace(/\.[^.]*$/, '').trim().slice(0, 100);
  return base || 'Avatar';
}

import { Module } from '@nestjs/common';
import { AiProvidersModule } from '@app/ai-providers';
import { CreditsModule } from '@app/credits';
import { ImagesModule } from '@app/images';
import { StorageModule } from '@app/storage';
import { AvatarUploadService } from './avatars/avatar-upload.service';
import { AvatarsService } from './avatars/avatars.service';
import { AvatarCatalogService } from './catalog/avatar-catalog.service';
import { AvatarGenerationService } from './generation/avatar-generation.service';
import { AvatarPreviewService } from './generation/avatar-preview.service';
import { AvatarProjectsService } from './projects/avatar-projects.service';

const SERVICES = [AvatarCatalogService, AvatarProjectsService, AvatarsService, AvatarUploadService, AvatarGenerationService, AvatarPreviewService];

/**
 * The Avatar Creator's request-side rules (catalogue, projects, avatars and uploads, paid generations and previews)
 * for a transport to serve: the API's controllers map what these return to DTOs. Needs the global Prisma, config
 * and job-producer modules.
 */
@Module({
  imports: [AiProvidersModule, CreditsModule, ImagesModule, StorageModule],
  providers: SERVICES,
  exports: SERVICES,
})
export class AvatarCreatorCoreModule {}

import { Module } from '@nestjs/common';
import { AiProvidersModule } from '@app/ai-providers';
import { CreditsModule } from '@app/credits';
import { ImagesModule } from '@app/images';
import { StorageModule } from '@app/storage';
import { IdempotencyModule } from '../common/idempotency/idempotency.module';
import { UploadsModule } from '../common/uploads/uploads.module';
import { AvatarCatalogService } from './avatar-catalog.service';
import { AvatarGenerationService } from './avatar-generation.service';
import { AvatarGenerationsController } from './avatar-generations.controller';
import { AvatarModelsController } from './avatar-models.controller';
import { AvatarPreviewService } from './avatar-preview.service';
import { AvatarProjectsController } from './avatar-projects.controller';
import { AvatarProjectsService } from './avatar-projects.service';
import { AvatarUploadService } from './avatar-upload.service';
import { AvatarsController } from './avatars.controller';
import { AvatarsService } from './avatars.service';

/** Avatar Creator REST API under /api/apps/avatar-creator. Generation runs in the worker (generate-avatar jobs). */
@Module({
  imports: [AiProvidersModule, CreditsModule, StorageModule, ImagesModule, IdempotencyModule, UploadsModule],
  controllers: [AvatarModelsController, AvatarProjectsController, AvatarsController, AvatarGenerationsController],
  providers: [
    AvatarCatalogService,
    AvatarProjectsService,
    AvatarsService,
    AvatarUploadService,
    AvatarGenerationService,
    AvatarPreviewService,
  ],
})
export class AvatarCreatorModule {}

import { Module } from '@nestjs/common';
import { AvatarCreatorCoreModule } from '@app/avatar-creator';
import { IdempotencyModule } from '../common/idempotency/idempotency.module';
import { UploadsModule } from '../common/uploads/uploads.module';
import { AvatarGenerationsController } from './avatar-generations.controller';
import { AvatarModelsController } from './avatar-models.controller';
import { AvatarProjectsController } from './avatar-projects.controller';
import { AvatarsController } from './avatars.controller';

/**
 * Avatar Creator REST API under /api/apps/avatar-creator: controllers and DTOs over the product's services in
 * libs/avatar-creator. Generation runs in the worker (generate-avatar jobs).
 */
@Module({
  imports: [AvatarCreatorCoreModule, IdempotencyModule, UploadsModule],
  controllers: [AvatarModelsController, AvatarProjectsController, AvatarsController, AvatarGenerationsController],
})
export class AvatarCreatorModule {}

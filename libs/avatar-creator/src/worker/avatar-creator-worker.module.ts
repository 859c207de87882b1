import { Module } from '@nestjs/common';
import { AiProvidersModule } from '@app/ai-providers';
import { CreditsModule } from '@app/credits';
import { ImagesModule } from '@app/images';
import { StorageModule } from '@app/storage';
import { AvatarGenerationSettlement } from './avatar-generation-settlement.service';
import { AvatarGenerationReconcileSource } from './avatar-generation.reconcile-source';
import { AvatarPreviewRetentionSweeper } from './avatar-preview.retention-sweeper';
import { GenerateAvatarJob } from './generate-avatar.job';

/** Avatar Creator in the worker: the generate-avatar handler, its reconcile source and the preview sweeper. */
@Module({
  imports: [AiProvidersModule, CreditsModule, ImagesModule, StorageModule],
  providers: [GenerateAvatarJob, AvatarGenerationSettlement, AvatarGenerationReconcileSource, AvatarPreviewRetentionSweeper],
  exports: [AvatarGenerationReconcileSource, AvatarPreviewRetentionSweeper],
})
export class AvatarCreatorWorkerModule {}

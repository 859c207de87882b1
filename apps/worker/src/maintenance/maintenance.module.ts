import { Module } from '@nestjs/common';
import { AvatarCreatorWorkerModule } from '../avatar-creator/avatar-creator-worker.module';
import { AvatarGenerationReconcileSource } from '../avatar-creator/avatar-generation.reconcile-source';
import { AvatarPreviewRetentionSweeper } from '../avatar-creator/avatar-preview.retention-sweeper';
import { BackgroundRemoverWorkerModule } from '../background-remover/background-remover-worker.module';
import { BatchFinalizeReconcileSource, RemovalJobReconcileSource } from '../background-remover/removal-reconcile.sources';
import { RemovalRetentionSweeper } from '../background-remover/removal-retention.sweeper';
import { MaintenanceScheduler } from './maintenance.scheduler';
import { RECONCILE_SOURCES } from './reconcile-source';
import { ReconcilerService } from './reconciler.service';
import { RETENTION_SWEEPERS } from './retention-sweeper';
import { RetentionService } from './retention.service';

/**
 * Reconciler and retention sweep. Product worker modules contribute a ReconcileSource and a RetentionSweeper
 * each: import the module here and add its classes to the two factories below.
 */
@Module({
  imports: [BackgroundRemoverWorkerModule, AvatarCreatorWorkerModule],
  providers: [
    MaintenanceScheduler,
    ReconcilerService,
    RetentionService,
    {
      provide: RECONCILE_SOURCES,
      useFactory: (...sources: unknown[]) => sources,
      inject: [RemovalJobReconcileSource, BatchFinalizeReconcileSource, AvatarGenerationReconcileSource],
    },
    { provide: RETENTION_SWEEPERS, useFactory: (...sweepers: unknown[]) => sweepers, inject: [RemovalRetentionSweeper, AvatarPreviewRetentionSweeper] },
  ],
})
export class MaintenanceModule {}

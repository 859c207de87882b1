import { Module } from '@nestjs/common';
import { AvatarCreatorWorkerModule, AvatarGenerationReconcileSource, AvatarPreviewRetentionSweeper } from '@app/avatar-creator';
import { BackgroundRemoverWorkerModule, BatchFinalizeReconcileSource, RemovalJobReconcileSource, RemovalRetentionSweeper } from '@app/background-remover';
import { RECONCILE_SOURCES, RETENTION_SWEEPERS } from '@app/jobs';
import { MaintenanceScheduler } from './maintenance.scheduler';
import { ReconcilerService } from './reconciler.service';
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

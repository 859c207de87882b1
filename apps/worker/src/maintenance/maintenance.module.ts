import { Module } from '@nestjs/common';
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
  imports: [BackgroundRemoverWorkerModule],
  providers: [
    MaintenanceScheduler,
    ReconcilerService,
    RetentionService,
    {
      provide: RECONCILE_SOURCES,
      useFactory: (...sources: unknown[]) => sources,
      inject: [RemovalJobReconcileSource, BatchFinalizeReconcileSource],
    },
    { provide: RETENTION_SWEEPERS, useFactory: (...sweepers: unknown[]) => sweepers, inject: [RemovalRetentionSweeper] },
  ],
})
export class MaintenanceModule {}

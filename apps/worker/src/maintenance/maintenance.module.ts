import { Module } from '@nestjs/common';
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
  imports: [],
  providers: [
    MaintenanceScheduler,
    ReconcilerService,
    RetentionService,
    { provide: RECONCILE_SOURCES, useFactory: (...sources: unknown[]) => sources, inject: [] },
    { provide: RETENTION_SWEEPERS, useFactory: (...sweepers: unknown[]) => sweepers, inject: [] },
  ],
})
export class MaintenanceModule {}

import { Module } from '@nestjs/common';
import { MaintenanceScheduler } from './maintenance.scheduler';
import { RECONCILE_SOURCES } from './reconcile-source';
import { ReconcilerService } from './reconciler.service';
import { RetentionService } from './retention.service';

@Module({
  providers: [
    MaintenanceScheduler,
    ReconcilerService,
    RetentionService,
    { provide: RECONCILE_SOURCES, useValue: [] },
  ],
})
export class MaintenanceModule {}

import { Module } from '@nestjs/common';
import { StorageModule } from '@app/storage';
import { ReadinessService } from './readiness.service';

@Module({
  imports: [StorageModule],
  providers: [ReadinessService],
  exports: [ReadinessService],
})
export class ReadinessModule {}

import { Module } from '@nestjs/common';
import { AiProvidersModule } from '@app/ai-providers';
import { StorageModule } from '@app/storage';
import { ReadinessService } from './readiness.service';

@Module({
  imports: [StorageModule, AiProvidersModule],
  providers: [ReadinessService],
  exports: [ReadinessService],
})
export class ReadinessModule {}

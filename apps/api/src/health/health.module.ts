import { Module } from '@nestjs/common';
import { ReadinessModule } from '@app/health';
import { AuthModule } from '../auth/auth.module';
import { HealthController } from './health.controller';

@Module({
  imports: [ReadinessModule, AuthModule],
  controllers: [HealthController],
})
export class HealthModule {}

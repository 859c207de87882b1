import { Module } from '@nestjs/common';
import { CreditsModule } from '@app/credits';
import { AdminCreditsController, CreditsController } from './credits.controller';
import { CreditsQueryService } from './credits-query.service';

@Module({
  imports: [CreditsModule],
  controllers: [CreditsController, AdminCreditsController],
  providers: [CreditsQueryService],
})
export class CreditsApiModule {}

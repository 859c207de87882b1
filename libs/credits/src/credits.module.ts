import { Module } from '@nestjs/common';
import { CreditsService } from './credits.service';

/** The ledger and its atomic movements; products decide what they charge and refund (libs/<product>). */
@Module({
  providers: [CreditsService],
  exports: [CreditsService],
})
export class CreditsModule {}

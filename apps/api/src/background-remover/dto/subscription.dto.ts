import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class SubscribeDto {
  @ApiProperty({ example: 'pro', description: 'Plan id from GET /pricing (subscriptionPlans)' })
  @IsString()
  @MaxLength(50)
  plan!: string;
}

export class SubscriptionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() plan!: string;
  @ApiProperty({ enum: ['ACTIVE', 'CANCELLED', 'EXPIRED'] }) status!: string;
  @ApiProperty() dailyQuota!: number;
  @ApiProperty({ type: [String] }) coveredTiers!: string[];
  @ApiProperty() creditPrice!: number;
  @ApiProperty() startedAt!: Date;
  @ApiProperty() expiresAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) cancelledAt!: Date | null;
}

export class SubscriptionEnvelopeDto {
  @ApiProperty({ type: SubscriptionDto, nullable: true }) subscription!: SubscriptionDto | null;
}

export class SubscribeResultDto extends SubscriptionEnvelopeDto {
  @ApiProperty() creditBalance!: number;
}

export class SubscriptionUsageDto extends SubscriptionEnvelopeDto {
  @ApiProperty() usedToday!: number;
  @ApiProperty() dailyQuota!: number;
  @ApiProperty() remainingToday!: number;
}

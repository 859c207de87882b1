import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { QUALITY_TIERS, QualityTierName } from './removal-options.dto';
import { QUALITY_TIER_DOC } from '../../common/tier-docs';

export class TierPriceDto {
  @ApiProperty({ enum: QUALITY_TIERS, description: QUALITY_TIER_DOC }) tier!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ description: 'Credits per image' }) credits!: number;
  @ApiProperty({ description: 'Model serving this tier' }) model!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Longest output side in pixels' }) maxResolution!: number | null;
  @ApiProperty() edgeRefinement!: boolean;
}

export class DiscountBracketDto {
  @ApiProperty() minImages!: number;
  @ApiProperty() discountPct!: number;
}

export class PlanDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() creditPrice!: number;
  @ApiProperty() durationDays!: number;
  @ApiProperty() dailyQuota!: number;
  @ApiProperty({ type: [String], description: 'Quality tiers the daily quota covers (not account tiers)' }) coveredTiers!: string[];
}

export class PricingDto {
  @ApiProperty({ type: [TierPriceDto] }) tiers!: TierPriceDto[];
  @ApiProperty({ type: [DiscountBracketDto] }) volumeDiscounts!: DiscountBracketDto[];
  @ApiProperty({ type: [PlanDto] }) subscriptionPlans!: PlanDto[];
}

export class CalculatePriceDto {
  @ApiProperty({ enum: QUALITY_TIERS, description: QUALITY_TIER_DOC })
  @IsIn(QUALITY_TIERS)
  tier!: QualityTierName;

  @ApiProperty({ minimum: 1, maximum: 10_000 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  imageCount!: number;
}

export class PriceQuoteDto {
  @ApiProperty({ description: QUALITY_TIER_DOC }) tier!: string;
  @ApiProperty() imageCount!: number;
  @ApiProperty() unitPrice!: number;
  @ApiProperty() subtotal!: number;
  @ApiProperty() discountPct!: number;
  @ApiProperty() discount!: number;
  @ApiProperty({ description: 'Credits charged for this many images' }) total!: number;
  @ApiProperty({ description: 'True when the active subscription quota covers all of them today (no credits)' })
  coveredBySubscription!: boolean;
  @ApiProperty({ nullable: true, type: Number }) subscriptionRemainingToday!: number | null;
  @ApiProperty({ description: 'Largest number of images one batch request accepts' }) maxImagesPerBatch!: number;
}

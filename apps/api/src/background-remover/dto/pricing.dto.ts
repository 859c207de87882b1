import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min, ValidateIf } from 'class-validator';
import { OUTPUT_SIZES, OutputSize } from '@app/background-remover';
import { QUALITY_TIERS, QualityTierName, SIZE_DOC } from './removal-options.dto';
import { QUALITY_TIER_DOC } from '../../common/tier-docs';

export class TierPriceDto {
  @ApiProperty({ enum: QUALITY_TIERS, description: QUALITY_TIER_DOC }) tier!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ description: 'Credits per image at `size=full`' }) credits!: number;
  @ApiProperty({ description: 'Credits per image at `size=preview` (≤ 0.25 MP)' }) previewCredits!: number;
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

  @ApiPropertyOptional({ enum: OUTPUT_SIZES, default: 'full', description: SIZE_DOC })
  @IsOptional()
  @IsIn(OUTPUT_SIZES)
  size?: OutputSize;

  @ApiPropertyOptional({ minimum: 1, maximum: 100_000, description: 'Image width in pixels: required with `size=auto`' })
  @ValidateIf((o: CalculatePriceDto) => o.size === 'auto' || o.width !== undefined)
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  width?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100_000, description: 'Image height in pixels: required with `size=auto`' })
  @ValidateIf((o: CalculatePriceDto) => o.size === 'auto' || o.height !== undefined)
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  height?: number;
}

export class PriceQuoteDto {
  @ApiProperty({ description: QUALITY_TIER_DOC }) tier!: string;
  @ApiProperty({ enum: ['preview', 'full'], description: 'The size charged (`auto` resolved from width × height)' }) size!: string;
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

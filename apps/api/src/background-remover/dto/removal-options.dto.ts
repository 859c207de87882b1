import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsUrl, Matches, Max, Min } from 'class-validator';
import { OUTPUT_SIZES, OutputSize } from '@app/background-remover';
import type { StoredRemovalOptions } from '@app/jobs';
import { QUALITY_TIER_DOC } from '../../common/tier-docs';

export const QUALITY_TIERS = ['basic', 'standard', 'professional', 'industry'] as const;
export type QualityTierName = (typeof QUALITY_TIERS)[number];

export const SIZE_DOC =
  '`preview`: at most 0.25 megapixels, at the tier\'s preview price. `full`: original resolution (up to the tier\'s ' +
  'maximum), at the full price. `auto`: full resolution, charged as a preview when the image is no larger than 0.25 MP.';

const toBool = ({ value }: { value: unknown }) => (value === 'true' || value === '1' || value === true ? true : value === 'false' || value === '0' || value === false ? false : value);

/** Multipart text fields of POST /remove and POST /batch (multipart fields arrive as strings). */
export class RemovalOptionsDto {
  @ApiProperty({ enum: QUALITY_TIERS, description: QUALITY_TIER_DOC })
  @IsIn(QUALITY_TIERS)
  tier!: QualityTierName;

  @ApiPropertyOptional({ enum: OUTPUT_SIZES, default: 'full', description: SIZE_DOC })
  @IsOptional()
  @IsIn(OUTPUT_SIZES)
  size?: OutputSize;

  @ApiPropertyOptional({ enum: ['png', 'webp'], default: 'png' })
  @IsOptional()
  @IsIn(['png', 'webp'])
  format?: 'png' | 'webp';

  @ApiPropertyOptional({ example: '#ffffff', description: 'Flatten onto this colour (#rrggbb, or #rrggbbaa to keep alpha)' })
  @IsOptional()
  @Matches(/^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/, { message: 'bgColor must be #rrggbb or #rrggbbaa' })
  bgColor?: string;

  @ApiPropertyOptional({ default: false, description: 'Return the alpha mask (greyscale PNG) instead of the cut-out' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  maskOnly?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Crop to the subject' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  crop?: boolean;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: 2000, description: 'Margin around the subject when cropping, in pixels' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(2000)
  cropMargin?: number;
}

export class BatchOptionsDto extends RemovalOptionsDto {
  @ApiPropertyOptional({ description: 'Called (signed POST) when the batch finishes' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  webhookUrl?: string;
}

export class TestModeQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Free, watermarked, low-resolution output for integration testing' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  test?: boolean;
}

export function toStoredOptions(dto: RemovalOptionsDto): Omit<StoredRemovalOptions, 'outputSize'> {
  return {
    format: dto.format ?? 'png',
    ...(dto.bgColor ? { bgColor: dto.bgColor } : {}),
    maskOnly: dto.maskOnly ?? false,
    crop: dto.crop ?? false,
    cropMargin: dto.cropMargin ?? 0,
  };
}

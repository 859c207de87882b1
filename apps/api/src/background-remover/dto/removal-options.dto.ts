import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUrl, Matches, MaxLength, ValidateBy } from 'class-validator';
import { OUTPUT_SIZES, OutputSize } from '@app/background-remover';
import { DomainError } from '@app/common';
import { CROP_MARGIN_MAX_PERCENT, CROP_MARGIN_MAX_PX, parseCropMargin, parsePosition, parseScale } from '@app/images';
import type { StoredRemovalOptions } from '@app/jobs';
import { QUALITY_TIER_DOC } from '../../common/tier-docs';

export const QUALITY_TIERS = ['basic', 'standard', 'professional', 'industry'] as const;
export type QualityTierName = (typeof QUALITY_TIERS)[number];

export const SIZE_DOC =
  '`preview`: at most 0.25 megapixels, at the tier\'s preview price. `full`: original resolution (up to the tier\'s ' +
  'maximum), at the full price. `auto`: full resolution, charged as a preview when the image is no larger than 0.25 MP.';

const toBool = ({ value }: { value: unknown }) => (value === 'true' || value === '1' || value === true ? true : value === 'false' || value === '0' || value === false ? false : value);

export const OUTPUT_FORMATS = ['png', 'webp', 'jpg', 'jpeg'] as const;
export const BG_IMAGE_FITS = ['cover', 'contain'] as const;

/** Valid when the images lib's parser accepts the value; the parser's message is the field error. */
function ParsedBy(parse: (value: string) => unknown): PropertyDecorator {
  const failure = (value: unknown): string | null => {
    try {
      parse(String(value));
      return null;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  };
  return ValidateBy({ name: 'outputOption', validator: { validate: (value) => failure(value) === null, defaultMessage: (args) => failure(args?.value) ?? '' } });
}

export const CROP_MARGIN_DOC =
  `Margin around the subject when \`crop=true\` (ignored otherwise): 1, 2 or 4 CSS-like values (all sides; top/bottom ` +
  `left/right; top right bottom left), each in pixels (\`10\`, \`10px\`, ≤ ${CROP_MARGIN_MAX_PX}) or percent of the subject's ` +
  `size on that axis (\`5%\`, ≤ ${CROP_MARGIN_MAX_PERCENT}%). The canvas is padded when the margin reaches past the image.`;
export const POSITION_DOC =
  '`original` (where the subject was), `center`, or `"x% y%"` (one value for both): 0% puts the subject at the ' +
  'left/top edge, 100% at the right/bottom. Default `original`, or `center` when `scale` is given. Applied on the ' +
  'original canvas, before `crop`.';
export const SCALE_DOC = '`original`, or 10%–100%: the subject fitted to that share of the canvas (keeping its aspect ratio).';
export const DECONTAMINATE_DOC =
  'Remove background-colour spill from the semi-transparent edge pixels (colour estimated from the nearby background)';

/** Multipart text fields of POST /remove and POST /batch (multipart fields arrive as strings). */
export class RemovalOptionsDto {
  @ApiProperty({ enum: QUALITY_TIERS, description: QUALITY_TIER_DOC })
  @IsIn(QUALITY_TIERS)
  tier!: QualityTierName;

  @ApiPropertyOptional({ enum: OUTPUT_SIZES, default: 'full', description: SIZE_DOC })
  @IsOptional()
  @IsIn(OUTPUT_SIZES)
  size?: OutputSize;

  @ApiPropertyOptional({ enum: OUTPUT_FORMATS, default: 'png', description: '`jpg` (alias `jpeg`) has no alpha: it needs `bgColor` or `bgImage`' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'jpeg' ? 'jpg' : value))
  @IsIn(OUTPUT_FORMATS, { message: `format must be one of ${OUTPUT_FORMATS.join(', ')}` })
  format?: 'png' | 'webp' | 'jpg';

  @ApiPropertyOptional({ example: '#ffffff', description: 'Flatten onto this colour (#rrggbb, or #rrggbbaa to keep alpha)' })
  @IsOptional()
  @Matches(/^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/, { message: 'bgColor must be #rrggbb or #rrggbbaa' })
  bgColor?: string;

  @ApiPropertyOptional({ enum: BG_IMAGE_FITS, default: 'cover', description: 'How `bgImage` fills the canvas: `cover` (cropped) or `contain` (whole, with bars of `bgColor` or transparency)' })
  @IsOptional()
  @IsIn(BG_IMAGE_FITS, { message: 'bgImageFit must be cover or contain' })
  bgImageFit?: 'cover' | 'contain';

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

  @ApiPropertyOptional({ example: '10px 5%', default: '0', description: CROP_MARGIN_DOC })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @ParsedBy(parseCropMargin)
  cropMargin?: string;

  @ApiPropertyOptional({ example: '50% 100%', default: 'original', description: POSITION_DOC })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @ParsedBy(parsePosition)
  position?: string;

  @ApiPropertyOptional({ example: '80%', default: 'original', description: SCALE_DOC })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @ParsedBy(parseScale)
  scale?: string;

  @ApiPropertyOptional({ default: false, description: DECONTAMINATE_DOC })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  decontaminate?: boolean;
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

/**
 * Rules across fields and the background image (a `bgImage` part or a `bgImageUrl`): jpg has no alpha, so it needs
 * something to stand on (also when it was chosen by `Accept: image/jpeg`).
 */
export function assertOutputOptions(dto: RemovalOptionsDto, background: { hasBgImage: boolean }): void {
  const fields: { field: string; errors: string[] }[] = [];
  if (dto.format === 'jpg' && !dto.bgColor && !background.hasBgImage) {
    fields.push({ field: 'format', errors: ['format=jpg (or Accept: image/jpeg) has no transparency: send bgColor, a bgImage or a bgImageUrl'] });
  }
  if (dto.bgImageFit && !background.hasBgImage) fields.push({ field: 'bgImageFit', errors: ['bgImageFit needs a bgImage or a bgImageUrl'] });
  if (fields.length) throw new DomainError('VALIDATION_FAILED', fields.map((f) => f.errors[0]).join('; '), { fields });
}

export function toStoredOptions(dto: RemovalOptionsDto, background: { hasBgImage: boolean } = { hasBgImage: false }): Omit<StoredRemovalOptions, 'outputSize'> {
  const margin = dto.cropMargin?.trim();
  return {
    format: dto.format ?? 'png',
    ...(dto.bgColor ? { bgColor: dto.bgColor } : {}),
    maskOnly: dto.maskOnly ?? false,
    crop: dto.crop ?? false,
    // A bare integer keeps the original numeric form; anything else is stored as written (already validated).
    cropMargin: !margin ? 0 : /^\d+$/.test(margin) ? Number(margin) : margin,
    ...(dto.position ? { position: dto.position.trim().toLowerCase() } : {}),
    ...(dto.scale ? { scale: dto.scale.trim().toLowerCase() } : {}),
    ...(dto.decontaminate ? { decontaminate: true } : {}),
    ...(background.hasBgImage ? { bgImageFit: dto.bgImageFit ?? 'cover' } : {}),
  };
}

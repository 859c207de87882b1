import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDivisibleBy, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { GENERATION_LIMITS as L } from '@app/avatar-creator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** What both generate endpoints accept. */
export class AvatarGenerationParamsDto {
  @ApiProperty({ minLength: L.promptMinLength, maxLength: L.promptMaxLength, example: 'studio portrait of a smiling woman, soft light' })
  @Transform(trim)
  @IsString()
  @MinLength(L.promptMinLength)
  @MaxLength(L.promptMaxLength)
  prompt!: string;

  @ApiPropertyOptional({ example: 'avatar-creator:flux-dev-base', description: 'Defaults to the cheapest model your tier allows' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9-]{1,60}:[a-z0-9._-]{1,60}$/, { message: 'modelKey must look like "avatar-creator:<model>"' })
  modelKey?: string;

  @ApiPropertyOptional({ maxLength: L.negativePromptMaxLength, example: 'blurry, deformed' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(L.negativePromptMaxLength)
  negativePrompt?: string;

  @ApiPropertyOptional({
    minimum: L.minSide,
    maximum: L.maxSide,
    multipleOf: L.sideMultiple,
    description: `Output width in pixels, a multiple of ${L.sideMultiple}; defaults to the model's`,
  })
  @IsOptional()
  @IsInt()
  @Min(L.minSide)
  @Max(L.maxSide)
  @IsDivisibleBy(L.sideMultiple, { message: `width must be a multiple of ${L.sideMultiple}` })
  width?: number;

  @ApiPropertyOptional({
    minimum: L.minSide,
    maximum: L.maxSide,
    multipleOf: L.sideMultiple,
    description: `Output height in pixels, a multiple of ${L.sideMultiple}; defaults to the model's`,
  })
  @IsOptional()
  @IsInt()
  @Min(L.minSide)
  @Max(L.maxSide)
  @IsDivisibleBy(L.sideMultiple, { message: `height must be a multiple of ${L.sideMultiple}` })
  height?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: L.maxSeed, description: 'Same seed + prompt + model → same image; random if omitted' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(L.maxSeed)
  seed?: number;
}

export class GenerateAvatarDto extends AvatarGenerationParamsDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Ada' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;
}

export class GenerateAvatarPreviewDto extends AvatarGenerationParamsDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100, description: 'Name the avatar gets if the preview is saved' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;
}

export class SavePreviewDto {
  @ApiProperty({ format: 'uuid', description: 'A succeeded preview generation of this project' })
  @IsUUID()
  generationId!: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100, description: "Defaults to the preview's name" })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;
}

export class AvatarGenerationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) projectId!: string;
  @ApiProperty({ enum: ['QUEUED', 'PROCESSING', 'SUCCEEDED', 'FAILED'] }) status!: string;
  @ApiProperty({ description: 'Previews become avatars only through save-preview' }) isPreview!: boolean;
  @ApiProperty() modelKey!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Provider that served it (e.g. "embedded", "huggingface")' })
  provider!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty() prompt!: string;
  @ApiProperty({ nullable: true, type: String }) negativePrompt!: string | null;
  @ApiProperty() width!: number;
  @ApiProperty() height!: number;
  @ApiProperty() seed!: number;
  @ApiProperty() creditCharged!: number;
  @ApiProperty({ nullable: true, type: String }) outputUrl!: string | null;
  @ApiProperty({ nullable: true, type: String }) thumbnailUrl!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The avatar created from it, if any' })
  avatarId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Error code when FAILED (e.g. PROVIDER_ERROR)' })
  errorCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) errorMessage!: string | null;
  @ApiProperty({ description: 'Processing attempts so far' }) attempts!: number;
  @ApiProperty({ nullable: true, type: Date }) savedAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date, description: 'When an unsaved preview is deleted' }) expiresAt!: Date | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) startedAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) completedAt!: Date | null;
}

export class GenerationAcceptedDto {
  @ApiProperty({ type: AvatarGenerationDto }) generation!: AvatarGenerationDto;
  @ApiProperty({ description: 'Credits charged for this generation' }) creditUsed!: number;
  @ApiProperty({ description: 'Balance after the charge' }) creditBalance!: number;
}

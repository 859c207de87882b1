import { ApiProperty } from '@nestjs/swagger';

export class AvatarModelDto {
  @ApiProperty({ example: 'avatar-creator:flux-dev-base' }) modelKey!: string;
  @ApiProperty({ example: 'FLUX.1 dev' }) name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ enum: ['free', 'basic', 'pro', 'enterprise'], description: 'Lowest user tier that may use the model' })
  tier!: string;
  @ApiProperty({ description: 'Credits charged per generation (previews included)', example: 8 }) creditCost!: number;
  @ApiProperty({ description: 'Default output width in pixels', example: 1024 }) width!: number;
  @ApiProperty({ description: 'Default output height in pixels', example: 1024 }) height!: number;
}

export class AvatarModelListDto {
  @ApiProperty({ type: [AvatarModelDto], description: 'Enabled models your tier allows, in catalogue order' })
  models!: AvatarModelDto[];
}

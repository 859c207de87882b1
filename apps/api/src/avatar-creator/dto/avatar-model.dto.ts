import { ApiProperty } from '@nestjs/swagger';
import { ACCOUNT_TIER_DOC, ACCOUNT_TIERS } from '../../common/tier-docs';

/** Who runs the model in this deployment (AI_PROVIDER_MAP may stand the embedded default in for the real one). */
export class ModelServingDto {
  @ApiProperty({ example: 'huggingface', description: 'Provider that runs the model here' }) providerId!: string;
  @ApiProperty({ description: 'False when this server cannot run it now (generate answers 503 PROVIDER_UNAVAILABLE)' })
  available!: boolean;
  @ApiProperty({ description: "True when a stand-in (the embedded default) runs instead of the catalogue's provider" })
  substitute!: boolean;
}

export class AvatarModelDto {
  @ApiProperty({ example: 'avatar-creator:flux-dev-base' }) modelKey!: string;
  @ApiProperty({ example: 'FLUX.1 dev' }) name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ enum: ACCOUNT_TIERS, description: `Lowest account tier that may use the model. ${ACCOUNT_TIER_DOC}` })
  tier!: string;
  @ApiProperty({ description: 'Credits charged per generation (previews included)', example: 8 }) creditCost!: number;
  @ApiProperty({ description: 'Default output width in pixels', example: 1024 }) width!: number;
  @ApiProperty({ description: 'Default output height in pixels', example: 1024 }) height!: number;
  @ApiProperty({ type: ModelServingDto }) servedBy!: ModelServingDto;
}

export class AvatarModelListDto {
  @ApiProperty({ type: [AvatarModelDto], description: 'Enabled models your tier allows, in catalogue order' })
  models!: AvatarModelDto[];
}

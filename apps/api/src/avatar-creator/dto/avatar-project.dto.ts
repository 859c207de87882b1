import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateAvatarProjectDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Team headshots' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ maxLength: 500, example: 'Avatars for the about page' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class UpdateAvatarProjectDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @ValidateIf((o: UpdateAvatarProjectDto) => o.name !== undefined)
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ maxLength: 500, nullable: true, type: String, description: 'null clears the description' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  description?: string | null;
}

export class AvatarProjectDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ description: 'Number of avatars in the project' }) avatarCount!: number;
  @ApiProperty({ type: [String], description: 'Thumbnail URLs of the most recent avatars (up to 4), newest first' })
  latestThumbnails!: string[];
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class AvatarProjectPageDto {
  @ApiProperty({ type: [AvatarProjectDto] }) items!: AvatarProjectDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

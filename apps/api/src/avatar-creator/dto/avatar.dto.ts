import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class AvatarDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) projectId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['UPLOAD', 'GENERATED'] }) source!: string;
  @ApiProperty({ description: 'Full-size PNG' }) imageUrl!: string;
  @ApiProperty({ description: 'WebP thumbnail, longest side 256 px' }) thumbnailUrl!: string;
  @ApiProperty() width!: number;
  @ApiProperty() height!: number;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The generation it came from, if generated' })
  generationId!: string | null;
  @ApiProperty() createdAt!: Date;
}

export class AvatarPageDto {
  @ApiProperty({ type: [AvatarDto] }) items!: AvatarDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

/** Text fields of the multipart upload (besides the `image` file). */
export class UploadAvatarFieldsDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100, description: 'Defaults to the file name without extension' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;
}

/** Swagger schema of the multipart upload body. */
export class UploadAvatarBodyDto extends UploadAvatarFieldsDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'JPEG, PNG or WebP (checked by content)' })
  image!: unknown;
}

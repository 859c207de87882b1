import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { QUALITY_TIER_DOC } from '../../common/tier-docs';

export class RemovalJobDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['QUEUED', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'CANCELED'], description: 'CANCELED: canceled by you before it started, and paid back' })
  status!: string;
  @ApiProperty({ enum: ['basic', 'standard', 'professional', 'industry'], description: QUALITY_TIER_DOC }) tier!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) batchId!: string | null;
  @ApiProperty({ nullable: true, type: String }) originalFilename!: string | null;
  @ApiProperty({ description: 'Input width in pixels' }) width!: number;
  @ApiProperty({ description: 'Input height in pixels' }) height!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Output width in pixels, once succeeded (also the X-Width header)' }) outputWidth!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Output height in pixels, once succeeded (also the X-Height header)' }) outputHeight!: number | null;
  @ApiProperty({
    description: 'Output options (format, bgColor, bgImageFit when a background image was sent, maskOnly, crop, cropMargin, position, scale, decontaminate)',
  })
  options!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String, description: 'Full-size output (PNG/WebP with alpha, or flattened JPEG)' }) outputUrl!: string | null;
  @ApiProperty({ nullable: true, type: String }) thumbnailUrl!: string | null;
  @ApiProperty({ enum: ['CREDITS', 'SUBSCRIPTION', 'TEST'] }) paidWith!: string;
  @ApiProperty() creditCharged!: number;
  @ApiProperty() testMode!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'Single jobs: where signed event POSTs go' }) webhookUrl!: string | null;
  @ApiProperty({ type: [String], enum: ['completed', 'failed', 'progress'], description: 'Events sent to webhookUrl' }) webhookEvents!: string[];
  @ApiProperty({ nullable: true, type: String }) errorCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) errorMessage!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) completedAt!: Date | null;
}

export class RemovalJobPageDto {
  @ApiProperty({ type: [RemovalJobDto] }) items!: RemovalJobDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class BatchItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ nullable: true, type: String }) originalFilename!: string | null;
  @ApiProperty({ nullable: true, type: String }) outputUrl!: string | null;
  @ApiProperty({ nullable: true, type: String }) thumbnailUrl!: string | null;
  @ApiProperty({ nullable: true, type: String }) errorCode!: string | null;
}

export class BatchDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    enum: ['QUEUED', 'PROCESSING', 'COMPLETED', 'PARTIAL', 'FAILED', 'CANCELED'],
    description: 'A canceled batch ends CANCELED when no item produced an output, PARTIAL when some did (they are in the ZIP)',
  })
  status!: string;
  @ApiProperty({ description: QUALITY_TIER_DOC }) tier!: string;
  @ApiProperty() totalItems!: number;
  @ApiProperty() succeededItems!: number;
  @ApiProperty() failedItems!: number;
  @ApiProperty({ description: 'Items canceled before they started (each paid back)' }) canceledItems!: number;
  @ApiProperty() pendingItems!: number;
  @ApiProperty({ description: 'Progress 0..100 (settled items)' }) progress!: number;
  @ApiProperty() unitPrice!: number;
  @ApiProperty() discountPct!: number;
  @ApiProperty() creditCharged!: number;
  @ApiProperty() creditRefunded!: number;
  @ApiProperty({ enum: ['CREDITS', 'SUBSCRIPTION', 'TEST'] }) paidWith!: string;
  @ApiProperty() testMode!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'ZIP of the succeeded outputs, once the batch has finished' })
  zipUrl!: string | null;
  @ApiPropertyOptional({ description: 'Jobs waiting in the removal queue (while the batch is queued)' }) queueDepth?: number;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) completedAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date, description: 'When you canceled it (running items still finish)' }) canceledAt!: Date | null;
  @ApiPropertyOptional({ type: [BatchItemDto] }) items?: BatchItemDto[];
}

export class BatchPageDto {
  @ApiProperty({ type: [BatchDto] }) items!: BatchDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class TierStatsDto {
  @ApiProperty({ description: QUALITY_TIER_DOC }) tier!: string;
  @ApiProperty() images!: number;
  @ApiProperty() creditsSpent!: number;
}

export class RemovalStatsDto {
  @ApiProperty({ description: 'Images processed successfully' }) imagesProcessed!: number;
  @ApiProperty() imagesFailed!: number;
  @ApiProperty() imagesPending!: number;
  @ApiProperty() batches!: number;
  @ApiProperty({ description: 'Credits charged net of refunds' }) creditsSpent!: number;
  @ApiProperty({ type: [TierStatsDto] }) byTier!: TierStatsDto[];
}

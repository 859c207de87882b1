import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({ example: 3600 }) uptimeSeconds!: number;
}

export class ReadinessCheckDto {
  @ApiProperty({ example: 'migrations' }) name!: string;
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional({ description: 'Admins only in production (HEALTH_DETAILS)', example: 'all 3 applied' }) detail?: string;
  @ApiPropertyOptional({ description: 'One-line fix, when failing (admins only in production)', example: 'Run `npm run db:deploy`' }) remedy?: string;
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ready', 'not_ready'] }) status!: 'ready' | 'not_ready';
  @ApiProperty() ready!: boolean;
  @ApiProperty({ type: [ReadinessCheckDto] }) checks!: ReadinessCheckDto[];
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';

export class BalanceDto {
  @ApiProperty() balance!: number;
}

export class CreditTransactionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Signed: positive for grants and refunds, negative for charges' }) amount!: number;
  @ApiProperty() balanceAfter!: number;
  @ApiProperty({ enum: ['GRANT', 'CHARGE', 'REFUND', 'ADJUSTMENT'] }) kind!: string;
  @ApiProperty() referenceType!: string;
  @ApiProperty() referenceId!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty() createdAt!: Date;
}

export class CreditTransactionPageDto {
  @ApiProperty({ type: [CreditTransactionDto] }) items!: CreditTransactionDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class GrantCreditsDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Target user id (or give email)' })
  @ValidateIf((o: GrantCreditsDto) => !o.email)
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ description: 'Target user email (or give userId)' })
  @ValidateIf((o: GrantCreditsDto) => !o.userId)
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsEmail()
  email?: string;

  @ApiProperty({ minimum: 1, maximum: 1_000_000 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  amount!: number;

  @ApiProperty({ maxLength: 200, example: 'Goodwill for the outage on 2026-11-20' })
  @IsString()
  @MinLength(3)
  @MaxLength(200)
  reason!: string;

  @ApiPropertyOptional({ description: 'Makes the grant idempotent: the same grantId is applied once' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.:-]{1,100}$/)
  grantId?: string;
}

export class GrantResultDto {
  @ApiProperty() userId!: string;
  @ApiProperty({ description: 'False when this grantId had already been applied' }) applied!: boolean;
  @ApiProperty() balance!: number;
  @ApiProperty({ nullable: true, type: String }) transactionId!: string | null;
}

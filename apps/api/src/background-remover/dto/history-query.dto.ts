import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CursorQueryDto } from '../../common/pagination.dto';

export class JobListQueryDto extends CursorQueryDto {
  @ApiPropertyOptional({ enum: ['QUEUED', 'PROCESSING', 'SUCCEEDED', 'FAILED'] })
  @IsOptional()
  @IsIn(['QUEUED', 'PROCESSING', 'SUCCEEDED', 'FAILED'])
  status?: 'QUEUED' | 'PROCESSING' | 'SUCCEEDED' | 'FAILED';
}

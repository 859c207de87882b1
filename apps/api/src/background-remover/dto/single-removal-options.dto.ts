import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsOptional, IsUrl } from 'class-validator';
import { DEFAULT_JOB_WEBHOOK_EVENTS, JOB_WEBHOOK_EVENTS, JobWebhook, JobWebhookEvent } from '@app/background-remover';
import { DomainError } from '@app/common';
import { RemovalOptionsDto } from './removal-options.dto';

/** `completed,failed` (a repeated multipart field arrives joined the same way). */
const toList = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((v) => v.trim()) : value);

/** POST /remove's own fields on top of the shared removal options: where the job's events go. */
export class SingleRemovalOptionsDto extends RemovalOptionsDto {
  @ApiPropertyOptional({ format: 'uri', description: 'Signed POSTs for this job’s events (same signing and retries as batch webhooks)' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  webhookUrl?: string;

  @ApiPropertyOptional({
    type: [String],
    enum: JOB_WEBHOOK_EVENTS,
    default: DEFAULT_JOB_WEBHOOK_EVENTS,
    description: 'Which events to send: comma list or repeated field of `completed`, `failed`, `progress` (processing started)',
  })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(JOB_WEBHOOK_EVENTS, { each: true })
  webhookEvents?: JobWebhookEvent[];
}

/** The job's webhook, or none; events without a URL are a mistake worth a 400. */
export function toJobWebhook(dto: SingleRemovalOptionsDto): JobWebhook | undefined {
  if (!dto.webhookUrl) {
    if (dto.webhookEvents) {
      throw new DomainError('VALIDATION_FAILED', 'webhookEvents needs a webhookUrl', { fields: [{ field: 'webhookEvents', errors: ['webhookEvents needs a webhookUrl'] }] });
    }
    return undefined;
  }
  return { url: dto.webhookUrl, events: dto.webhookEvents ?? DEFAULT_JOB_WEBHOOK_EVENTS };
}

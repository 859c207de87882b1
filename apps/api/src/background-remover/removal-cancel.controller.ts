import { Controller, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RemovalCancellationService } from '@app/background-remover';
import { NotFoundError } from '@app/common';
import { CreditsService } from '@app/credits';
import { AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiErrorCodes, ApiSuccessHeaders, OWNED_RESOURCE_ERRORS } from '../common/openapi/api-errors.decorator';
import { BatchDto, RemovalJobDto } from './dto/removal-responses.dto';
import { RemovalQueryService, toJobDto } from './removal-query.service';

const uuid = new ParseUUIDPipe({ version: '4', exceptionFactory: () => new NotFoundError('Resource') });

/**
 * Owner cancellation: jobs not yet started are taken off the queue and paid back exactly once; running ones finish.
 * Repeating a cancel answers 200 with the same state and refunds nothing.
 */
@ApiTags('background-remover')
@ApiBearerAuth()
@Controller('background-remover')
export class RemovalCancelController {
  constructor(
    private readonly cancellation: RemovalCancellationService,
    private readonly queries: RemovalQueryService,
    private readonly credits: CreditsService,
  ) {}

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS, 'JOB_ALREADY_RUNNING', 'JOB_ALREADY_FINISHED')
  @ApiSuccessHeaders('X-Credits-Refunded', 'X-Credits-Remaining')
  @Post('jobs/:id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a job that has not started',
    description:
      'A QUEUED job becomes CANCELED, leaves the queue and is paid back (credits, or the subscription quota it used). ' +
      'Repeating the call answers 200 with the same job and refunds nothing. A running job finishes: 409 ' +
      'JOB_ALREADY_RUNNING; a finished one: 409 JOB_ALREADY_FINISHED. Also works on one item of a batch.',
  })
  @ApiOkResponse({ type: RemovalJobDto })
  async cancelJob(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<RemovalJobDto> {
    const { value, refunded } = await this.cancellation.cancelJob(user.id, id);
    await this.creditHeaders(reply, user.id, refunded);
    return toJobDto(value);
  }

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS, 'BATCH_ALREADY_FINISHED')
  @ApiSuccessHeaders('X-Credits-Refunded', 'X-Credits-Remaining')
  @Post('batch/:id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel the items of a batch that have not started',
    description:
      'Every QUEUED item becomes CANCELED, leaves the queue and is paid back once; items already running finish and are ' +
      'charged. When they have, the batch ends CANCELED (no item produced an output) or PARTIAL (the ZIP holds the ' +
      'outputs). Repeating the call answers 200 with the batch and refunds nothing; a batch that finished before it ' +
      'was canceled: 409 BATCH_ALREADY_FINISHED.',
  })
  @ApiOkResponse({ type: BatchDto })
  async cancelBatch(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<BatchDto> {
    const { refunded } = await this.cancellation.cancelBatch(user.id, id);
    await this.creditHeaders(reply, user.id, refunded);
    return this.queries.getBatch(user.id, id);
  }

  private async creditHeaders(reply: FastifyReply, userId: string, refunded: number): Promise<void> {
    void reply.headers({ 'x-credits-refunded': String(refunded), 'x-credits-remaining': String(await this.credits.getBalance(userId)) });
  }
}

import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DomainError, NotFoundError } from '@app/common';
import { StorageService } from '@app/storage';
import { ApiErrorCodes, ApiSuccessHeaders, OWNED_RESOURCE_ERRORS, VALIDATION_ERRORS } from '../common/openapi/api-errors.decorator';
import { SseStreamLimiter } from '../common/rate-limit/sse-stream-limiter';
import { AuthUser, CurrentUser } from '../auth/auth.decorators';
import { CursorQueryDto } from '../common/pagination.dto';
import { JobListQueryDto } from './dto/history-query.dto';
import { BatchDto, BatchPageDto, RemovalJobDto, RemovalJobPageDto, RemovalStatsDto } from './dto/removal-responses.dto';
import { EVENTS_MAX_MS, openEventStream, RemovalEventsService } from './removal-events.service';
import { outputSizeHeaders, RemovalQueryService } from './removal-query.service';

const uuid = new ParseUUIDPipe({ version: '4', exceptionFactory: () => new NotFoundError('Resource') });

@ApiTags('background-remover')
@ApiBearerAuth()
@Controller('background-remover')
export class RemovalHistoryController {
  constructor(
    private readonly queries: RemovalQueryService,
    private readonly storage: StorageService,
    private readonly streams: SseStreamLimiter,
    private readonly eventStreams: RemovalEventsService,
  ) {}

  @ApiErrorCodes(...VALIDATION_ERRORS)
  @Get('jobs')
  @ApiOperation({ summary: 'Your removal jobs, newest first (cursor-paginated, optional status filter)' })
  @ApiOkResponse({ type: RemovalJobPageDto })
  listJobs(@CurrentUser() user: AuthUser, @Query() query: JobListQueryDto): Promise<RemovalJobPageDto> {
    return this.queries.listJobs(user.id, query);
  }

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS)
  @ApiSuccessHeaders('X-Width', 'X-Height')
  @Get('jobs/:id')
  @ApiOperation({ summary: 'One job: status, output and thumbnail URLs, error code (X-Width/X-Height once succeeded)' })
  @ApiOkResponse({ type: RemovalJobDto })
  async getJob(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<RemovalJobDto> {
    const job = await this.queries.getJob(user.id, id);
    void reply.headers(outputSizeHeaders(job));
    return job;
  }

  @ApiErrorCodes(...VALIDATION_ERRORS)
  @Get('batches')
  @ApiOperation({ summary: 'Your batches, newest first (cursor-paginated)' })
  @ApiOkResponse({ type: BatchPageDto })
  listBatches(@CurrentUser() user: AuthUser, @Query() query: CursorQueryDto): Promise<BatchPageDto> {
    return this.queries.listBatches(user.id, query);
  }

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS)
  @Get('batch/:id')
  @ApiOperation({ summary: 'Batch progress with per-item status; ZIP URL when finished; queue depth while queued' })
  @ApiOkResponse({ type: BatchDto })
  getBatch(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string): Promise<BatchDto> {
    return this.queries.getBatch(user.id, id);
  }

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS, 'CONFLICT')
  @Get('batch/:id/download')
  @ApiOperation({ summary: 'The ZIP of every succeeded output (409 until the batch has finished)' })
  @ApiProduces('application/zip')
  @ApiOkResponse({ description: 'The ZIP archive', content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } } })
  async download(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Res() reply: FastifyReply): Promise<void> {
    const batch = await this.queries.findBatch(user.id, id);
    if (!batch.zipKey) throw new DomainError('CONFLICT', `The batch is ${batch.status.toLowerCase()}; the ZIP is ready when it has finished`);
    const stream = await this.storage.openReadStream('public', batch.zipKey);
    await reply
      .type('application/zip')
      .header('content-disposition', `attachment; filename="lumiku-batch-${batch.id}.zip"`)
      .send(stream);
  }

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS)
  @Get('batch/:id/events')
  @ApiOperation({
    summary: 'Server-sent events of batch progress',
    description: 'Emits a `progress` event with the batch whenever it changes and ends after the final state.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: '`event: progress` with the batch (without items) on every change, then `event: end`',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  async events(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Res() reply: FastifyReply): Promise<void> {
    const batch = await this.queries.getBatch(user.id, id); // 404 before the stream starts
    await this.withStreamSlot(user.id, () => this.eventStreams.streamBatch(user.id, batch, openEventStream(reply)));
  }

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS)
  @Get('jobs/:id/events')
  @ApiOperation({
    summary: 'Server-sent events of one job',
    description:
      'Emits a `progress` event with the job now and whenever it changes (an attempt finished or failed and will be ' +
      'retried, canceled), and ends after its final state (SUCCEEDED, FAILED or CANCELED).',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: '`event: progress` with the job on every change, then `event: end`',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  async jobEvents(@CurrentUser() user: AuthUser, @Param('id', uuid) id: string, @Res() reply: FastifyReply): Promise<void> {
    const job = await this.queries.getJob(user.id, id); // 404 before the stream starts
    await this.withStreamSlot(user.id, () => this.eventStreams.streamJob(user.id, job, openEventStream(reply)));
  }

  /** 429 past the per-user cap of open streams; the slot is released when the stream ends. */
  private async withStreamSlot(userId: string, stream: () => Promise<void>): Promise<void> {
    const releaseSlot = await this.streams.open(userId, EVENTS_MAX_MS);
    try {
      await stream();
    } finally {
      releaseSlot();
    }
  }

  @Get('stats')
  @ApiOperation({ summary: 'Totals: images, batches, credits spent, by tier (zeros for a new user)' })
  @ApiOkResponse({ type: RemovalStatsDto })
  stats(@CurrentUser() user: AuthUser): Promise<RemovalStatsDto> {
    return this.queries.stats(user.id);
  }
}

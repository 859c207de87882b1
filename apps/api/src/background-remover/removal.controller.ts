import { randomUUID } from 'node:crypto';
import { Controller, Headers, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OUTPUT_SIZES, RemovalService } from '@app/background-remover';
import { CreditsService } from '@app/credits';
import { QualityTier } from '@app/prisma';
import { contentTypeForKey, StorageService, storageLayout } from '@app/storage';
import { AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiErrorCodes, ApiSuccessHeaders, IMAGE_INPUT_ERRORS, PAID_ERRORS } from '../common/openapi/api-errors.decorator';
import { IdempotencyService, StoredResponse } from '../common/idempotency/idempotency.service';
import { ExtraImage, ImageInputsService } from '../common/uploads/image-inputs.service';
import { UploadAdmissionService } from '../common/uploads/upload-admission.service';
import { validateDto } from '../common/validation';
import {
  assertOutputOptions,
  BatchOptionsDto,
  BG_IMAGE_FITS,
  CROP_MARGIN_DOC,
  DECONTAMINATE_DOC,
  OUTPUT_FORMATS,
  POSITION_DOC,
  QUALITY_TIERS,
  RemovalOptionsDto,
  SCALE_DOC,
  SIZE_DOC,
  TestModeQueryDto,
  toStoredOptions,
} from './dto/removal-options.dto';
import { BatchDto, RemovalJobDto } from './dto/removal-responses.dto';
import { SingleRemovalOptionsDto, toJobWebhook } from './dto/single-removal-options.dto';
import { preferredImageFormat } from './image-response';
import { outputSizeHeaders, RemovalQueryService, toBatchDto, toJobDto } from './removal-query.service';
import { RemovalWaiterService, isSettled } from './removal-waiter.service';

/** The three ways to send the image of POST /remove: exactly one. */
const IMAGE_FIELDS = {
  image: { type: 'string', format: 'binary', description: 'The image file' },
  imageUrl: { type: 'string', format: 'uri', description: 'Or: a public http(s) URL to fetch the image from (same size limits, 3 redirects at most)' },
  imageBase64: { type: 'string', description: 'Or: the image as base64 or a data: URL' },
};

/** The background image: a file part or a URL, one per request (a batch applies it to every item). */
const BG_IMAGE: ExtraImage = { file: 'bgImage', url: 'bgImageUrl' };

const OPTION_FIELDS = {
  tier: { type: 'string', enum: [...QUALITY_TIERS] },
  size: { type: 'string', enum: [...OUTPUT_SIZES], default: 'full', description: SIZE_DOC },
  format: { type: 'string', enum: [...OUTPUT_FORMATS], default: 'png', description: '`jpg`/`jpeg`: flattened, needs `bgColor` or a background image' },
  bgColor: { type: 'string', example: '#ffffff' },
  [BG_IMAGE.file]: {
    type: 'string',
    format: 'binary',
    description: 'Background image (JPEG/PNG/WebP, same limits as `image`) composited behind the subject; fitted with `bgImageFit`',
  },
  [BG_IMAGE.url]: { type: 'string', format: 'uri', description: 'Or: the background image at a public http(s) URL (fetched like `imageUrl`)' },
  bgImageFit: { type: 'string', enum: [...BG_IMAGE_FITS], default: 'cover' },
  maskOnly: { type: 'boolean' },
  crop: { type: 'boolean' },
  cropMargin: { type: 'string', example: '10px 5%', description: CROP_MARGIN_DOC },
  position: { type: 'string', example: 'center', description: POSITION_DOC },
  scale: { type: 'string', example: '80%', description: SCALE_DOC },
  decontaminate: { type: 'boolean', default: false, description: DECONTAMINATE_DOC },
};

/** POST /remove only: where the job's events go (see SingleRemovalOptionsDto). */
const JOB_EVENT_FIELDS = {
  webhookUrl: { type: 'string', format: 'uri', description: 'Signed POSTs for this job’s events' },
  webhookEvents: { type: 'string', example: 'completed,failed', description: 'Comma list (or repeated field) of completed, failed, progress; default completed,failed' },
};

@ApiTags('background-remover')
@ApiBearerAuth()
@Controller('background-remover')
export class RemovalController {
  constructor(
    private readonly removal: RemovalService,
    private readonly waiter: RemovalWaiterService,
    private readonly inputs: ImageInputsService,
    private readonly query: RemovalQueryService,
    private readonly storage: StorageService,
    private readonly admission: UploadAdmissionService,
    private readonly idempotency: IdempotencyService,
    private readonly credits: CreditsService,
  ) {}

  @ApiErrorCodes(...IMAGE_INPUT_ERRORS, ...PAID_ERRORS, 'SERVER_BUSY')
  @ApiSuccessHeaders('X-Credits-Charged', 'X-Credits-Remaining', 'X-Width', 'X-Height', 'Location', 'Idempotent-Replayed')
  @Post('remove')
  @ApiOperation({
    summary: 'Remove the background of one image',
    description:
      'The image comes as the `image` file part, an `imageUrl` (fetched from a public address, same limits) or an ' +
      '`imageBase64` (or data: URL): exactly one. Validates it by content (415/413/422 before anything is charged), ' +
      'charges the tier price for the `size` (or uses the subscription quota), queues the job and waits up to ' +
      '`Prefer: wait=N` seconds: 200 with the finished job, else 202 with the job and a Location to poll. With ' +
      '`Accept: image/png`, `image/webp` or `image/jpeg` a job finished within the wait answers the image bytes instead (its format ' +
      'unless `format` is given; a failed job still answers its JSON). `?test=true`: free, watermarked, low-resolution.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['tier'], properties: { ...IMAGE_FIELDS, ...OPTION_FIELDS, ...JOB_EVENT_FIELDS } } })
  @ApiHeader({ name: 'Prefer', required: false, description: 'wait=N seconds (capped)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'Accept', required: false, description: '`image/png`, `image/webp` or `image/jpeg` (ranked above JSON): answer the image bytes' })
  @ApiExtraModels(RemovalJobDto)
  @ApiOkResponse({
    description: 'Finished within the wait: the job (JSON), or the image bytes when Accept asks for them',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(RemovalJobDto) } },
      'image/png': { schema: { type: 'string', format: 'binary' } },
      'image/webp': { schema: { type: 'string', format: 'binary' } },
      'image/jpeg': { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiAcceptedResponse({ type: RemovalJobDto, description: 'Still running: poll the Location' })
  async remove(
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query() query: TestModeQueryDto,
    @Headers('prefer') prefer: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('accept') accept: string | undefined,
  ): Promise<unknown> {
    const key = this.idempotency.parseKey(idempotencyKey);
    const imageFormat = preferredImageFormat(accept);
    const permit = await this.admission.acquire();
    let response: StoredResponse & { replayed: boolean };
    try {
      const parsed = await this.inputs.readOne(request, 'image', BG_IMAGE);
      const bgImage = parsed.extra;
      const background = { hasBgImage: bgImage !== undefined };
      const dto = await validateDto(SingleRemovalOptionsDto, parsed.fields);
      const webhook = toJobWebhook(dto); // job events: webhookUrl + webhookEvents
      const testMode = query.test === true;
      const effective = Object.assign(new RemovalOptionsDto(), dto, { format: dto.format ?? imageFormat });
      assertOutputOptions(effective, background);
      const options = toStoredOptions(effective, background);
      response = await this.idempotency.run(
        { userId: user.id, key, method: 'POST', path: 'background-remover/remove', requestHash: `${parsed.requestHash}:${testMode}:${options.format}` },
        async (): Promise<StoredResponse> => {
          const { job, payment } = await this.removal.createSingle(
            { userId: user.id, tier: dto.tier as QualityTier, size: dto.size ?? 'full', options, testMode, webhook },
            parsed.images[0]!,
            bgImage,
          );
          permit.release(); // accepted: waiting for the result must not hold an admission slot
          const current = await this.waiter.waitForJob(job, this.waiter.waitSeconds(prefer));
          const settled = isSettled(current);
          return {
            status: settled ? 200 : 202,
            body: toJobDto(current),
            headers: {
              ...(settled ? {} : { location: `/api/background-remover/jobs/${job.id}` }),
              ...outputSizeHeaders(current),
              'x-credits-charged': String(payment.total),
              'x-credits-remaining': String(payment.balance ?? (await this.credits.getBalance(user.id))),
            },
          };
        },
      );
    } finally {
      permit.release();
    }
    if (imageFormat && (response.body as RemovalJobDto).status === 'SUCCEEDED') return this.sendImage(reply, user.id, response);
    return send(reply, response);
  }

  /**
   * `Accept: image/*` and the job succeeded within the wait: the cut-out's bytes (remove.bg style), with the same
   * headers. Read by id after the idempotency layer, so a replay answers the same bytes.
   */
  private async sendImage(reply: FastifyReply, userId: string, response: StoredResponse & { replayed: boolean }): Promise<unknown> {
    const job = await this.query.findJob(userId, (response.body as RemovalJobDto).id);
    if (!job.outputKey) return send(reply, response); // expired by retention since: the JSON says so
    const image = await this.storage.openReadStream('public', job.outputKey);
    void reply.status(200).headers(response.headers).header('x-job-id', job.id).header('vary', 'Accept');
    if (response.replayed) void reply.header('idempotent-replayed', 'true');
    return new StreamableFile(image, { type: contentTypeForKey(job.outputKey) });
  }

  @ApiErrorCodes(...IMAGE_INPUT_ERRORS, ...PAID_ERRORS, 'SERVER_BUSY')
  @ApiSuccessHeaders('X-Credits-Charged', 'X-Credits-Remaining', 'Location', 'Idempotent-Replayed')
  @Post('batch')
  @ApiOperation({
    summary: 'Remove the backgrounds of many images (one discounted charge)',
    description:
      'Images come as `images` file parts and/or repeated `imageUrl` / `imageBase64` fields, kept in the order sent. ' +
      'Every image is validated first; one bad image → 4xx naming it and nothing is charged. Then one charge at the volume ' +
      'discount, one job per image, 202 with the batch. Poll GET /batch/:id, stream GET /batch/:id/events, or pass a ' +
      '`webhookUrl`. One `bgImage` part applies to every image.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['images', 'tier'],
      properties: {
        images: { type: 'array', items: { type: 'string', format: 'binary' } },
        imageUrl: { type: 'array', items: { type: 'string', format: 'uri' }, description: 'Images to fetch (repeat the field)' },
        imageBase64: { type: 'array', items: { type: 'string' }, description: 'Base64 images (repeat the field)' },
        ...OPTION_FIELDS,
        webhookUrl: { type: 'string', format: 'uri' },
      },
    },
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiAcceptedResponse({ type: BatchDto })
  async batch(
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query() query: TestModeQueryDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<unknown> {
    const key = this.idempotency.parseKey(idempotencyKey);
    const permit = await this.admission.acquire();
    try {
      return await this.acceptBatch(user, request, reply, query.test === true, key);
    } finally {
      permit.release();
    }
  }

  private async acceptBatch(user: AuthUser, request: FastifyRequest, reply: FastifyReply, testMode: boolean, key: string | undefined): Promise<unknown> {
    const uploadPrefix = storageLayout.removal.uploadsPrefix(user.id, randomUUID());
    const parsed = await this.inputs.storeMany(request, ['images', 'images[]'], uploadPrefix, BG_IMAGE);
    const background = { hasBgImage: parsed.extra !== undefined };
    let dto: BatchOptionsDto;
    try {
      dto = await validateDto(BatchOptionsDto, parsed.fields);
      assertOutputOptions(dto, background);
    } catch (err) {
      await this.removal.discardUploads(uploadPrefix);
      throw err;
    }
    const response = await this.idempotency.run(
      { userId: user.id, key, method: 'POST', path: 'background-remover/batch', requestHash: `${parsed.requestHash}:${testMode}` },
      async (): Promise<StoredResponse> => {
        const { batch, payment } = await this.removal.createBatch(
          { userId: user.id, tier: dto.tier as QualityTier, size: dto.size ?? 'full', options: toStoredOptions(dto, background), testMode, webhookUrl: dto.webhookUrl },
          parsed.images,
          uploadPrefix,
          parsed.extra,
        );
        return {
          status: 202,
          body: toBatchDto(batch),
          headers: {
            location: `/api/background-remover/batch/${batch.id}`,
            'x-credits-charged': String(payment.total),
            'x-credits-remaining': String(payment.balance ?? (await this.credits.getBalance(user.id))),
          },
        };
      },
    ).catch(async (err: unknown) => {
      await this.removal.discardUploads(uploadPrefix);
      throw err;
    });
    // A replay created nothing: the files of this repeated request are not needed.
    if (response.replayed) await this.removal.discardUploads(uploadPrefix);
    return send(reply, response);
  }
}

function send(reply: FastifyReply, response: StoredResponse & { replayed: boolean }): unknown {
  void reply.status(response.status).headers(response.headers);
  if (response.replayed) void reply.header('idempotent-replayed', 'true');
  return response.body;
}

import { randomUUID } from 'node:crypto';
import { Controller, Headers, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RemovalService } from '@app/background-remover';
import { DomainError } from '@app/common';
import { CreditsService } from '@app/credits';
import { QualityTier } from '@app/prisma';
import { storageLayout } from '@app/storage';
import { AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiErrorCodes, ApiSuccessHeaders, IMAGE_UPLOAD_ERRORS, PAID_ERRORS } from '../common/openapi/api-errors.decorator';
import { IdempotencyService, StoredResponse } from '../common/idempotency/idempotency.service';
import { MultipartUploadService } from '../common/uploads/multipart-upload.service';
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
  TestModeQueryDto,
  toStoredOptions,
} from './dto/removal-options.dto';
import { BatchDto, RemovalJobDto } from './dto/removal-responses.dto';
import { outputSizeHeaders, toBatchDto, toJobDto } from './removal-query.service';
import { RemovalWaiterService, isSettled } from './removal-waiter.service';

/** The multipart part holding the background image (one per request; a batch applies it to every item). */
const BG_IMAGE_FIELD = 'bgImage';

const OPTION_FIELDS = {
  tier: { type: 'string', enum: [...QUALITY_TIERS] },
  format: { type: 'string', enum: [...OUTPUT_FORMATS], default: 'png', description: '`jpg`/`jpeg`: flattened, needs `bgColor` or `bgImage`' },
  bgColor: { type: 'string', example: '#ffffff' },
  [BG_IMAGE_FIELD]: {
    type: 'string',
    format: 'binary',
    description: 'Background image (JPEG/PNG/WebP, same limits as `image`) composited behind the subject; fitted with `bgImageFit`',
  },
  bgImageFit: { type: 'string', enum: [...BG_IMAGE_FITS], default: 'cover' },
  maskOnly: { type: 'boolean' },
  crop: { type: 'boolean' },
  cropMargin: { type: 'string', example: '10px 5%', description: CROP_MARGIN_DOC },
  position: { type: 'string', example: 'center', description: POSITION_DOC },
  scale: { type: 'string', example: '80%', description: SCALE_DOC },
  decontaminate: { type: 'boolean', default: false, description: DECONTAMINATE_DOC },
};

@ApiTags('background-remover')
@ApiBearerAuth()
@Controller('background-remover')
export class RemovalController {
  constructor(
    private readonly removal: RemovalService,
    private readonly waiter: RemovalWaiterService,
    private readonly uploads: MultipartUploadService,
    private readonly admission: UploadAdmissionService,
    private readonly idempotency: IdempotencyService,
    private readonly credits: CreditsService,
  ) {}

  @ApiErrorCodes(...IMAGE_UPLOAD_ERRORS, ...PAID_ERRORS, 'SERVER_BUSY')
  @ApiSuccessHeaders('X-Credits-Charged', 'X-Credits-Remaining', 'X-Width', 'X-Height', 'Location', 'Idempotent-Replayed')
  @Post('remove')
  @ApiOperation({
    summary: 'Remove the background of one image',
    description:
      'Validates the image by content (415/413/422 before anything is charged), charges the tier price (or uses the ' +
      'subscription quota), queues the job and waits up to `Prefer: wait=N` seconds: 200 with the finished job, else ' +
      '202 with the job and a Location to poll. `?test=true`: free, watermarked, low-resolution.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['image', 'tier'], properties: { image: { type: 'string', format: 'binary' }, ...OPTION_FIELDS } } })
  @ApiHeader({ name: 'Prefer', required: false, description: 'wait=N seconds (capped)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOkResponse({ type: RemovalJobDto, description: 'Finished within the wait' })
  @ApiAcceptedResponse({ type: RemovalJobDto, description: 'Still running: poll the Location' })
  async remove(
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query() query: TestModeQueryDto,
    @Headers('prefer') prefer?: string,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<unknown> {
    const key = this.idempotency.parseKey(idempotencyKey);
    const permit = await this.admission.acquire();
    try {
      const parsed = await this.uploads.bufferFiles(request, ['image', BG_IMAGE_FIELD]);
      const file = parsed.files.find((f) => f.field === 'image');
      const bgImage = parsed.files.find((f) => f.field === BG_IMAGE_FIELD);
      if (!file) {
        throw new DomainError('VALIDATION_FAILED', 'Send exactly one file in the `image` field', { fields: [{ field: 'image', errors: ['exactly one image is required'] }] });
      }
      const dto = await validateDto(RemovalOptionsDto, parsed.fields);
      const background = { hasBgImage: bgImage !== undefined };
      assertOutputOptions(dto, background);
      const testMode = query.test === true;
      const response = await this.idempotency.run(
        { userId: user.id, key, method: 'POST', path: 'background-remover/remove', requestHash: `${parsed.requestHash}:${testMode}` },
        async (): Promise<StoredResponse> => {
          const { job, payment } = await this.removal.createSingle(
            { userId: user.id, tier: dto.tier as QualityTier, options: toStoredOptions(dto, background), testMode },
            file,
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
      return send(reply, response);
    } finally {
      permit.release();
    }
  }

  @ApiErrorCodes(...IMAGE_UPLOAD_ERRORS, ...PAID_ERRORS, 'SERVER_BUSY')
  @ApiSuccessHeaders('X-Credits-Charged', 'X-Credits-Remaining', 'Location', 'Idempotent-Replayed')
  @Post('batch')
  @ApiOperation({
    summary: 'Remove the backgrounds of many images (one discounted charge)',
    description:
      'Every file is validated first; one bad file → 4xx naming it and nothing is charged. Then one charge at the volume ' +
      'discount, one job per image, 202 with the batch. Poll GET /batch/:id, stream GET /batch/:id/events, or pass a ' +
      '`webhookUrl`. One `bgImage` part applies to every image.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['images', 'tier'],
      properties: { images: { type: 'array', items: { type: 'string', format: 'binary' } }, ...OPTION_FIELDS, webhookUrl: { type: 'string', format: 'uri' } },
    },
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiAcceptedResponse({ type: BatchDto })
  async batch(
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query() query: TestModeQueryDto,
    @Headers('idempotency-key') idempotencyKey?: string,
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
    const parsed = await this.uploads.storeFiles(request, ['images', 'images[]', BG_IMAGE_FIELD], uploadPrefix);
    const images = parsed.files.filter((f) => f.field !== BG_IMAGE_FIELD);
    const backgrounds = parsed.files.filter((f) => f.field === BG_IMAGE_FIELD);
    const background = { hasBgImage: backgrounds.length > 0 };
    let dto: BatchOptionsDto;
    try {
      if (backgrounds.length > 1) {
        throw new DomainError('VALIDATION_FAILED', 'Send at most 1 file in bgImage (it applies to every image)', {
          fields: [{ field: BG_IMAGE_FIELD, errors: ['too many files'] }],
        });
      }
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
          { userId: user.id, tier: dto.tier as QualityTier, options: toStoredOptions(dto, background), testMode, webhookUrl: dto.webhookUrl },
          images,
          uploadPrefix,
          backgrounds[0],
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

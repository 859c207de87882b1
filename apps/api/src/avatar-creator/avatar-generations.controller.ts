import { Body, Controller, Get, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPaymentRequiredResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AvatarGenerationService, AvatarPreviewService, GenerationRequest } from '@app/avatar-creator';
import { AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiErrorCodes, OWNED_RESOURCE_ERRORS, PAID_ERRORS, VALIDATION_ERRORS } from '../common/openapi/api-errors.decorator';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { toAvatarDto, toGenerationDto } from './avatar-creator.mappers';
import {
  AvatarGenerationDto,
  GenerateAvatarDto,
  GenerateAvatarPreviewDto,
  GenerationAcceptedDto,
  SavePreviewDto,
} from './dto/avatar-generation.dto';
import { AvatarDto } from './dto/avatar.dto';
import { IdParamDto } from './dto/id-param.dto';
import { requestHash } from './request-hash';

const DEFAULT_PREVIEW_NAME = 'Preview';

const IdempotencyKeyHeader = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retrying with the same key and body replays the first response (charged once); a different body → 409',
  });

@ApiTags('avatar-creator')
@ApiBearerAuth()
@Controller('apps/avatar-creator')
export class AvatarGenerationsController {
  constructor(
    private readonly generations: AvatarGenerationService,
    private readonly previews: AvatarPreviewService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS, ...VALIDATION_ERRORS, ...PAID_ERRORS, 'MODEL_TIER_FORBIDDEN', 'PROVIDER_UNAVAILABLE')
  @Post('projects/:id/avatars/generate')
  @HttpCode(202)
  @IdempotencyKeyHeader()
  @ApiOperation({ summary: 'Generate an avatar from a prompt: charged now, made by the worker (poll GET /generations/:id)' })
  @ApiAcceptedResponse({ type: GenerationAcceptedDto })
  @ApiPaymentRequiredResponse({ description: 'INSUFFICIENT_CREDITS' })
  @ApiForbiddenResponse({ description: 'MODEL_TIER_FORBIDDEN: your tier may not use this model (nothing charged)' })
  @ApiNotFoundResponse({ description: 'No such project of yours, or unknown modelKey' })
  @ApiServiceUnavailableResponse({ description: 'CATALOG_EMPTY, PROVIDER_UNAVAILABLE or QUEUE_UNAVAILABLE (nothing charged)' })
  generate(
    @CurrentUser() user: AuthUser,
    @Param() { id }: IdParamDto,
    @Body() dto: GenerateAvatarDto,
    @Headers('idempotency-key') key: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<GenerationAcceptedDto> {
    return this.startIdempotently(user, id, { ...dto, isPreview: false }, dto, key, request, reply);
  }

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS, ...VALIDATION_ERRORS, ...PAID_ERRORS, 'MODEL_TIER_FORBIDDEN', 'PROVIDER_UNAVAILABLE')
  @Post('projects/:id/avatars/generate-preview')
  @HttpCode(202)
  @IdempotencyKeyHeader()
  @ApiOperation({ summary: 'Generate a preview (charged once); keep it with save-preview, else it expires' })
  @ApiAcceptedResponse({ type: GenerationAcceptedDto })
  @ApiPaymentRequiredResponse({ description: 'INSUFFICIENT_CREDITS' })
  @ApiForbiddenResponse({ description: 'MODEL_TIER_FORBIDDEN: your tier may not use this model (nothing charged)' })
  @ApiNotFoundResponse({ description: 'No such project of yours, or unknown modelKey' })
  @ApiServiceUnavailableResponse({ description: 'CATALOG_EMPTY, PROVIDER_UNAVAILABLE or QUEUE_UNAVAILABLE (nothing charged)' })
  generatePreview(
    @CurrentUser() user: AuthUser,
    @Param() { id }: IdParamDto,
    @Body() dto: GenerateAvatarPreviewDto,
    @Headers('idempotency-key') key: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<GenerationAcceptedDto> {
    return this.startIdempotently(user, id, { ...dto, name: dto.name ?? DEFAULT_PREVIEW_NAME, isPreview: true }, dto, key, request, reply);
  }

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS, ...VALIDATION_ERRORS, 'CONFLICT')
  @Post('projects/:id/avatars/save-preview')
  @ApiOperation({ summary: 'Keep a succeeded preview as an avatar (no second charge)' })
  @ApiCreatedResponse({ type: AvatarDto })
  @ApiNotFoundResponse({ description: 'No such project or generation of yours' })
  @ApiConflictResponse({ description: 'CONFLICT with details.reason: ALREADY_SAVED, NOT_READY, FAILED, EXPIRED, NOT_A_PREVIEW' })
  async savePreview(@CurrentUser() user: AuthUser, @Param() { id }: IdParamDto, @Body() dto: SavePreviewDto): Promise<AvatarDto> {
    return toAvatarDto(await this.previews.save(user.id, id, dto));
  }

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS)
  @Get('generations/:id')
  @ApiOperation({ summary: 'Status of a generation: result URLs when SUCCEEDED, error code when FAILED' })
  @ApiOkResponse({ type: AvatarGenerationDto })
  @ApiNotFoundResponse({ description: 'No such generation of yours' })
  async getGeneration(@CurrentUser() user: AuthUser, @Param() { id }: IdParamDto): Promise<AvatarGenerationDto> {
    const generation = await this.generations.get(user.id, id);
    return toGenerationDto(generation, generation.avatar?.id ?? null);
  }

  private async startIdempotently(
    user: AuthUser,
    projectId: string,
    generation: GenerationRequest,
    body: object,
    key: string | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<GenerationAcceptedDto> {
    const result = await this.idempotency.run(
      { userId: user.id, key: this.idempotency.parseKey(key), method: request.method, path: request.url, requestHash: requestHash(body) },
      async () => {
        const accepted = await this.generations.start({ id: user.id, accountTier: user.tier }, projectId, generation);
        const dto: GenerationAcceptedDto = { ...accepted, generation: toGenerationDto(accepted.generation, null) };
        // Stored as JSON for replays: serialise now so first responses and replays are identical.
        return { status: 202, body: JSON.parse(JSON.stringify(dto)) as unknown, headers: {} };
      },
    );
    reply.status(result.status);
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    return result.body as GenerationAcceptedDto;
  }
}

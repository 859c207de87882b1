import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AvatarProjectsService, AvatarsService, AvatarUploadService } from '@app/avatar-creator';
import { DomainError, mapPage } from '@app/common';
import { AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiErrorCodes, IMAGE_UPLOAD_ERRORS, OWNED_RESOURCE_ERRORS, VALIDATION_ERRORS } from '../common/openapi/api-errors.decorator';
import { CursorQueryDto } from '../common/pagination.dto';
import { MultipartUploadService } from '../common/uploads/multipart-upload.service';
import { validateDto } from '../common/validation';
import { toAvatarDto } from './avatar-creator.mappers';
import { AvatarDto, AvatarPageDto, UploadAvatarBodyDto, UploadAvatarFieldsDto } from './dto/avatar.dto';
import { IdParamDto } from './dto/id-param.dto';

const IMAGE_FIELD = 'image';

@ApiTags('avatar-creator')
@ApiBearerAuth()
@Controller('apps/avatar-creator')
export class AvatarsController {
  constructor(
    private readonly avatars: AvatarsService,
    private readonly avatarUploads: AvatarUploadService,
    private readonly projects: AvatarProjectsService,
    private readonly multipart: MultipartUploadService,
  ) {}

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS, ...VALIDATION_ERRORS)
  @Get('projects/:id/avatars')
  @ApiOperation({ summary: "A project's avatars, newest first (cursor-paginated)" })
  @ApiOkResponse({ type: AvatarPageDto })
  @ApiNotFoundResponse({ description: 'No such project of yours' })
  async list(@CurrentUser() user: AuthUser, @Param() { id }: IdParamDto, @Query() query: CursorQueryDto): Promise<AvatarPageDto> {
    return mapPage(await this.avatars.listInProject(user.id, id, query), toAvatarDto);
  }

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS, ...IMAGE_UPLOAD_ERRORS)
  @Post('projects/:id/avatars/upload')
  @ApiOperation({ summary: 'Upload an image as an avatar (checked by content; stored as PNG with a thumbnail)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadAvatarBodyDto })
  @ApiCreatedResponse({ type: AvatarDto })
  @ApiNotFoundResponse({ description: 'No such project of yours' })
  @ApiPayloadTooLargeResponse({ description: 'IMAGE_TOO_LARGE / PAYLOAD_TOO_LARGE' })
  @ApiUnsupportedMediaTypeResponse({ description: 'UNSUPPORTED_IMAGE: not JPEG, PNG or WebP' })
  @ApiUnprocessableEntityResponse({ description: 'UNDECODABLE_IMAGE: truncated or corrupt' })
  async upload(@CurrentUser() user: AuthUser, @Param() { id }: IdParamDto, @Req() request: FastifyRequest): Promise<AvatarDto> {
    await this.projects.findOwned(user.id, id); // 404 before the body is read
    const { files, fields } = await this.multipart.bufferFiles(request, [IMAGE_FIELD]);
    const { name } = await validateDto(UploadAvatarFieldsDto, fields);
    const file = files[0];
    if (!file || files.length !== 1) {
      throw new DomainError('VALIDATION_FAILED', `Send exactly one image in the "${IMAGE_FIELD}" field`, {
        fields: [{ field: IMAGE_FIELD, errors: [files.length ? 'only one image per upload' : 'an image is required'] }],
      });
    }
    return toAvatarDto(await this.avatarUploads.upload(user.id, id, file, name));
  }

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS)
  @Get('avatars/:id')
  @ApiOperation({ summary: 'One of your avatars' })
  @ApiOkResponse({ type: AvatarDto })
  @ApiNotFoundResponse({ description: 'No such avatar of yours' })
  async get(@CurrentUser() user: AuthUser, @Param() { id }: IdParamDto): Promise<AvatarDto> {
    return toAvatarDto(await this.avatars.get(user.id, id));
  }

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS)
  @Delete('avatars/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an avatar and its files' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'No such avatar of yours' })
  delete(@CurrentUser() user: AuthUser, @Param() { id }: IdParamDto): Promise<void> {
    return this.avatars.delete(user.id, id);
  }
}

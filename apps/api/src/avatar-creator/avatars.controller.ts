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
import { AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiErrorCodes, IMAGE_UPLOAD_ERRORS, OWNED_RESOURCE_ERRORS, VALIDATION_ERRORS } from '../common/openapi/api-errors.decorator';
import { CursorQueryDto } from '../common/pagination.dto';
import { AvatarUploadService } from './avatar-upload.service';
import { AvatarsService } from './avatars.service';
import { AvatarDto, AvatarPageDto, UploadAvatarBodyDto } from './dto/avatar.dto';
import { IdParamDto } from './dto/id-param.dto';

@ApiTags('avatar-creator')
@ApiBearerAuth()
@Controller('apps/avatar-creator')
export class AvatarsController {
  constructor(
    private readonly avatars: AvatarsService,
    private readonly uploads: AvatarUploadService,
  ) {}

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS, ...VALIDATION_ERRORS)
  @Get('projects/:id/avatars')
  @ApiOperation({ summary: "A project's avatars, newest first (cursor-paginated)" })
  @ApiOkResponse({ type: AvatarPageDto })
  @ApiNotFoundResponse({ description: 'No such project of yours' })
  list(@CurrentUser() user: AuthUser, @Param() { id }: IdParamDto, @Query() query: CursorQueryDto): Promise<AvatarPageDto> {
    return this.avatars.listInProject(user.id, id, query);
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
  upload(@CurrentUser() user: AuthUser, @Param() { id }: IdParamDto, @Req() request: FastifyRequest): Promise<AvatarDto> {
    return this.uploads.upload(user.id, id, request);
  }

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS)
  @Get('avatars/:id')
  @ApiOperation({ summary: 'One of your avatars' })
  @ApiOkResponse({ type: AvatarDto })
  @ApiNotFoundResponse({ description: 'No such avatar of yours' })
  get(@CurrentUser() user: AuthUser, @Param() { id }: IdParamDto): Promise<AvatarDto> {
    return this.avatars.get(user.id, id);
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

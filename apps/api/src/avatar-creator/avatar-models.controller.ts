import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AvatarCatalogService } from '@app/avatar-creator';
import { AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiErrorCodes } from '../common/openapi/api-errors.decorator';
import { toAvatarModelDto } from './avatar-creator.mappers';
import { AvatarModelListDto } from './dto/avatar-model.dto';
import { jsonSnapshot, sendSnapshot } from '../common/http-cache/json-snapshot';

@ApiTags('avatar-creator')
@ApiBearerAuth()
@Controller('apps/avatar-creator/models')
export class AvatarModelsController {
  constructor(private readonly catalog: AvatarCatalogService) {}

  @ApiErrorCodes('CATALOG_EMPTY')
  @Get()
  @ApiOperation({ summary: 'Avatar models your tier may use, with their credit cost' })
  @ApiOkResponse({ type: AvatarModelListDto })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'The ETag of a copy you have: 304 when it is still current' })
  @ApiResponse({ status: 304, description: 'Not modified: your copy (If-None-Match) is current' })
  @ApiServiceUnavailableResponse({ description: 'CATALOG_EMPTY: the model catalogue is not seeded' })
  async list(@CurrentUser() user: AuthUser, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const entries = await this.catalog.listAllowed(user.tier);
    const body: AvatarModelListDto = { models: entries.map((e) => toAvatarModelDto(e.model, e.serving)) };
    // Per user (tier) and per deployment (which providers serve): private, revalidated on every use.
    sendSnapshot(request, reply, jsonSnapshot(body), 'private, no-cache');
  }
}

import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { AvatarCatalogService } from '@app/avatar-creator';
import { AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiErrorCodes } from '../common/openapi/api-errors.decorator';
import { toAvatarModelDto } from './avatar-creator.mappers';
import { AvatarModelListDto } from './dto/avatar-model.dto';

@ApiTags('avatar-creator')
@ApiBearerAuth()
@Controller('apps/avatar-creator/models')
export class AvatarModelsController {
  constructor(private readonly catalog: AvatarCatalogService) {}

  @ApiErrorCodes('CATALOG_EMPTY')
  @Get()
  @ApiOperation({ summary: 'Avatar models your tier may use, with their credit cost' })
  @ApiOkResponse({ type: AvatarModelListDto })
  @ApiServiceUnavailableResponse({ description: 'CATALOG_EMPTY: the model catalogue is not seeded' })
  async list(@CurrentUser() user: AuthUser): Promise<AvatarModelListDto> {
    const entries = await this.catalog.listAllowed(user.tier);
    return { models: entries.map((e) => toAvatarModelDto(e.model, e.serving)) };
  }
}

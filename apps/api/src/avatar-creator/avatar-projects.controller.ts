import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AvatarProjectsService } from '@app/avatar-creator';
import { mapPage } from '@app/common';
import { AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiErrorCodes, OWNED_RESOURCE_ERRORS, VALIDATION_ERRORS } from '../common/openapi/api-errors.decorator';
import { CursorQueryDto } from '../common/pagination.dto';
import { toProjectDto } from './avatar-creator.mappers';
import { AvatarProjectDto, AvatarProjectPageDto, CreateAvatarProjectDto, UpdateAvatarProjectDto } from './dto/avatar-project.dto';
import { IdParamDto } from './dto/id-param.dto';

@ApiTags('avatar-creator')
@ApiBearerAuth()
@Controller('apps/avatar-creator/projects')
export class AvatarProjectsController {
  constructor(private readonly projects: AvatarProjectsService) {}

  @ApiErrorCodes(...VALIDATION_ERRORS)
  @Get()
  @ApiOperation({ summary: 'Your projects, newest first (cursor-paginated), with avatar counts and latest thumbnails' })
  @ApiOkResponse({ type: AvatarProjectPageDto })
  async list(@CurrentUser() user: AuthUser, @Query() query: CursorQueryDto): Promise<AvatarProjectPageDto> {
    return mapPage(await this.projects.list(user.id, query), toProjectDto);
  }

  @ApiErrorCodes(...VALIDATION_ERRORS)
  @Post()
  @ApiOperation({ summary: 'Create a project' })
  @ApiCreatedResponse({ type: AvatarProjectDto })
  async create(@CurrentUser() user: AuthUser, @Body() dto: CreateAvatarProjectDto): Promise<AvatarProjectDto> {
    return toProjectDto(await this.projects.create(user.id, dto));
  }

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS)
  @Get(':id')
  @ApiOperation({ summary: 'One of your projects' })
  @ApiOkResponse({ type: AvatarProjectDto })
  @ApiNotFoundResponse({ description: 'No such project of yours' })
  async get(@CurrentUser() user: AuthUser, @Param() { id }: IdParamDto): Promise<AvatarProjectDto> {
    return toProjectDto(await this.projects.get(user.id, id));
  }

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS, ...VALIDATION_ERRORS)
  @Patch(':id')
  @ApiOperation({ summary: 'Rename a project or change its description' })
  @ApiOkResponse({ type: AvatarProjectDto })
  @ApiNotFoundResponse({ description: 'No such project of yours' })
  async update(@CurrentUser() user: AuthUser, @Param() { id }: IdParamDto, @Body() dto: UpdateAvatarProjectDto): Promise<AvatarProjectDto> {
    return toProjectDto(await this.projects.update(user.id, id, dto));
  }

  @ApiErrorCodes(...OWNED_RESOURCE_ERRORS)
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a project with its avatars, generations and files (in-flight generations are refunded)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'No such project of yours' })
  delete(@CurrentUser() user: AuthUser, @Param() { id }: IdParamDto): Promise<void> {
    return this.projects.delete(user.id, id);
  }
}

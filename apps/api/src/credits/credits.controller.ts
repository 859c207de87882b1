import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreditsService } from '@app/credits';
import { AuthUser, CurrentUser, Roles } from '../auth/auth.decorators';
import { ApiErrorCodes, VALIDATION_ERRORS } from '../common/openapi/api-errors.decorator';
import { CursorQueryDto } from '../common/pagination.dto';
import { BalanceDto, CreditTransactionPageDto, GrantCreditsDto, GrantResultDto } from './dto/credits.dto';
import { CreditsQueryService } from './credits-query.service';

@ApiTags('credits')
@ApiBearerAuth()
@Controller('credits')
export class CreditsController {
  constructor(
    private readonly credits: CreditsService,
    private readonly queries: CreditsQueryService,
  ) {}

  @Get('balance')
  @ApiOperation({ summary: 'Current credit balance' })
  @ApiOkResponse({ type: BalanceDto })
  async balance(@CurrentUser() user: AuthUser): Promise<BalanceDto> {
    return { balance: await this.credits.getBalance(user.id) };
  }

  @ApiErrorCodes(...VALIDATION_ERRORS)
  @Get('transactions')
  @ApiOperation({ summary: 'The credit ledger, newest first (cursor-paginated)' })
  @ApiOkResponse({ type: CreditTransactionPageDto })
  transactions(@CurrentUser() user: AuthUser, @Query() query: CursorQueryDto): Promise<CreditTransactionPageDto> {
    return this.queries.listTransactions(user.id, query);
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/credits')
export class AdminCreditsController {
  constructor(private readonly queries: CreditsQueryService) {}

  @ApiErrorCodes(...VALIDATION_ERRORS, 'FORBIDDEN', 'NOT_FOUND')
  @Post('grant')
  @HttpCode(200)
  @Roles('ADMIN')
  @ApiOperation({ summary: 'Grant credits to a user (ADMIN). Idempotent per grantId.' })
  @ApiOkResponse({ type: GrantResultDto })
  grant(@CurrentUser() admin: AuthUser, @Body() dto: GrantCreditsDto): Promise<GrantResultDto> {
    return this.queries.adminGrant(admin, dto);
  }
}

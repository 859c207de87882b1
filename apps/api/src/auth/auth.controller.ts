import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthService } from './auth.service';
import { AuthUser, CurrentUser, Public } from './auth.decorators';
import { AuthResponseDto, LoginDto, RegisterDto, UserProfileDto } from './dto/auth.dto';
import { ApiErrorCodes, VALIDATION_ERRORS } from '../common/openapi/api-errors.decorator';
import { AuthRateLimited } from '../common/rate-limit/throttling';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @AuthRateLimited()
  @ApiErrorCodes(...VALIDATION_ERRORS, 'EMAIL_TAKEN', 'WEAK_PASSWORD')
  @Post('register')
  @ApiOperation({ summary: 'Create an account (gets the signup credit grant) and return a bearer token' })
  @ApiCreatedResponse({ type: AuthResponseDto })
  register(@Body() dto: RegisterDto): Promise<AuthResponseDto> {
    return this.auth.register(dto);
  }

  @Public()
  @AuthRateLimited()
  @ApiErrorCodes(...VALIDATION_ERRORS, 'INVALID_CREDENTIALS')
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for a bearer token' })
  @ApiOkResponse({ type: AuthResponseDto })
  login(@Body() dto: LoginDto): Promise<AuthResponseDto> {
    return this.auth.login(dto);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The current user: profile, tier and credit balance' })
  @ApiOkResponse({ type: UserProfileDto })
  me(@CurrentUser() user: AuthUser): Promise<UserProfileDto> {
    return this.auth.profile(user.id);
  }
}

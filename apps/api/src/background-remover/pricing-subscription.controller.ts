import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SubscriptionService } from '@app/background-remover';
import { BackgroundRemoverSubscription } from '@app/prisma';
import { AuthUser, CurrentUser, Public } from '../auth/auth.decorators';
import { CalculatePriceDto, PriceQuoteDto, PricingDto } from './dto/pricing.dto';
import { SubscribeDto, SubscribeResultDto, SubscriptionDto, SubscriptionEnvelopeDto, SubscriptionUsageDto } from './dto/subscription.dto';
import { PricingService } from './pricing.service';
import { PUBLIC_CATALOGUE_CACHE, sendSnapshot } from '../common/http-cache/json-snapshot';
import { ApiErrorCodes, VALIDATION_ERRORS } from '../common/openapi/api-errors.decorator';

@ApiTags('background-remover')
@Controller('background-remover')
export class PricingSubscriptionController {
  constructor(
    private readonly pricing: PricingService,
    private readonly subscriptions: SubscriptionService,
  ) {}

  @Public()
  @ApiErrorCodes('CATALOG_EMPTY')
  @Get('pricing')
  @ApiOperation({ summary: 'Quality tiers (credits, model, max resolution), volume discounts and subscription plans' })
  @ApiOkResponse({ type: PricingDto })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'The ETag of a copy you have: 304 when it is still current' })
  @ApiResponse({ status: 304, description: 'Not modified: your copy (If-None-Match) is current' })
  getPricing(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void | Promise<void> {
    const snapshot = this.pricing.pricingSnapshot();
    if (snapshot instanceof Promise) return snapshot.then((s) => sendSnapshot(request, reply, s, PUBLIC_CATALOGUE_CACHE));
    sendSnapshot(request, reply, snapshot, PUBLIC_CATALOGUE_CACHE);
  }

  @ApiErrorCodes(...VALIDATION_ERRORS, 'CATALOG_EMPTY')
  @Post('pricing/calculate')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Price of N images at a tier — exactly what POST /batch would charge now' })
  @ApiOkResponse({ type: PriceQuoteDto })
  calculate(@CurrentUser() user: AuthUser, @Body() dto: CalculatePriceDto): Promise<PriceQuoteDto> {
    return this.pricing.calculate(user.id, dto);
  }

  @Get('subscription')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Your subscription (`{subscription: null}` when you have none)' })
  @ApiOkResponse({ type: SubscriptionEnvelopeDto })
  async getSubscription(@CurrentUser() user: AuthUser): Promise<SubscriptionEnvelopeDto> {
    return { subscription: toDto(await this.subscriptions.current(user.id)) };
  }

  @ApiErrorCodes(...VALIDATION_ERRORS, 'CONFLICT', 'INSUFFICIENT_CREDITS')
  @Post('subscription')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Buy a plan with credits (409 while another is active)' })
  @ApiCreatedResponse({ type: SubscribeResultDto })
  async subscribe(@CurrentUser() user: AuthUser, @Body() dto: SubscribeDto): Promise<SubscribeResultDto> {
    const { subscription, creditBalance } = await this.subscriptions.subscribe(user.id, dto.plan);
    return { subscription: toDto(subscription), creditBalance };
  }

  @ApiErrorCodes('NOT_FOUND')
  @Delete('subscription')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Cancel now (no refund of the plan price)' })
  @ApiOkResponse({ type: SubscriptionEnvelopeDto })
  async cancel(@CurrentUser() user: AuthUser): Promise<SubscriptionEnvelopeDto> {
    return { subscription: toDto(await this.subscriptions.cancel(user.id)) };
  }

  @Get('subscription/usage')
  @ApiBearerAuth()
  @ApiOperation({ summary: "Today's quota use" })
  @ApiOkResponse({ type: SubscriptionUsageDto })
  async usage(@CurrentUser() user: AuthUser): Promise<SubscriptionUsageDto> {
    const usage = await this.subscriptions.usage(user.id);
    return { ...usage, subscription: toDto(usage.subscription) };
  }
}

function toDto(sub: BackgroundRemoverSubscription | null): SubscriptionDto | null {
  if (!sub) return null;
  const { userId: _userId, purchaseId: _p, createdAt: _c, updatedAt: _u, ...rest } = sub;
  return rest;
}

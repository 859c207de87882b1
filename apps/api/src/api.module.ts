import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { loggerParams } from '@app/common';
import { AppConfig, ConfigModule } from '@app/config';
import { JobsModule } from '@app/jobs';
import { MetricsModule } from '@app/metrics';
import { PrismaModule } from '@app/prisma';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { AvatarCreatorModule } from './avatar-creator/avatar-creator.module';
import { BackgroundRemoverModule } from './background-remover/background-remover.module';
import { JwtAuthGuard } from './auth/jwt-auth.guard';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { ConsoleModule } from './console/console.module';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { RedisThrottlerStorage } from './common/rate-limit/redis-throttler.storage';
import { RouteThrottlerGuard } from './common/rate-limit/route-throttler.guard';
import { throttlerOptions } from './common/rate-limit/throttling';
import { CreditsApiModule } from './credits/credits-api.module';
import { HealthModule } from './health/health.module';
import { MetricsApiModule } from './metrics/metrics-api.module';

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => loggerParams({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY }),
    }),
    ThrottlerModule.forRootAsync({
      imports: [RateLimitModule],
      inject: [AppConfig, RedisThrottlerStorage],
      useFactory: (config: AppConfig, storage: RedisThrottlerStorage) => ({ ...throttlerOptions(config), storage }),
    }),
    RateLimitModule,
    MetricsModule.forRoot('api'),
    PrismaModule,
    JobsModule.forRoot('producer'),
    AuthModule,
    AdminModule,
    CreditsApiModule,
    AvatarCreatorModule,
    HealthModule,
    MetricsApiModule,
    BackgroundRemoverModule,
  ],
  providers: [
    // Order matters: authenticate first, so the per-user rate limit knows the user.
    { provide: APP_GUARD, useExisting: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RouteThrottlerGuard },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
  ],
})
export class ApiModule {
  /** The API with its configuration, parsed once by the caller (main.ts, openapi.ts, or a test passing its own). */
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ApiModule, imports: [ConfigModule.forRoot(config), ConsoleModule.forRoot()] };
  }
}

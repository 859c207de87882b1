import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { loggerParams } from '@app/common';
import { AppConfig, ConfigModule } from '@app/config';
import { CreditsModule } from '@app/credits';
import { ReadinessModule } from '@app/health';
import { JobsModule } from '@app/jobs';
import { PrismaModule } from '@app/prisma';
import { UsersModule } from '@app/users';
import { SeedService } from './seed/seed.service';

const base = [
  ConfigModule.forRoot(),
  LoggerModule.forRootAsync({
    inject: [AppConfig],
    useFactory: (config: AppConfig) => loggerParams({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL }),
  }),
  PrismaModule,
];

/** Database-only commands: seed, create-admin, grant-credits (no Redis needed). */
@Module({ imports: [...base, UsersModule, CreditsModule], providers: [SeedService] })
export class CliDatabaseModule {}

/** doctor: the same checks as GET /api/health/ready. */
@Module({ imports: [...base, JobsModule.forRoot('producer'), ReadinessModule] })
export class CliDoctorModule {}

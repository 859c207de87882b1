import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig, parseConfig } from './app-config';

@Global()
@Module({})
export class ConfigModule {
  /** Registers the validated config; pass overrides in tests. */
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useFactory: () => config ?? (parseConfig() as AppConfig) }],
      exports: [AppConfig],
    };
  }
}

import { Injectable } from '@nestjs/common';
import { TestModeAllowance } from '@app/background-remover';
import { AppConfig } from '@app/config';
import { DailyAllowance } from '../common/rate-limit/daily-allowance';

/** The Background Remover's test-mode cap, counted in Redis per user and UTC day (shared by API replicas). */
@Injectable()
export class RedisTestModeAllowance extends TestModeAllowance {
  constructor(
    private readonly allowance: DailyAllowance,
    private readonly config: AppConfig,
  ) {
    super();
  }

  take(userId: string, count: number): Promise<void> {
    return this.allowance.take('test-mode', userId, count, this.config.TEST_MODE_DAILY_LIMIT);
  }
}

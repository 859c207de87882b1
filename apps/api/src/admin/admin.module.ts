import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AdminSessionController } from './admin-session.controller';
import { AdminSessions } from './admin-session';

/** Operator surfaces: the admin browser session and (registered in app.setup) the queue UI. */
@Module({
  imports: [AuthModule],
  controllers: [AdminSessionController],
  providers: [AdminSessions],
  exports: [AdminSessions],
})
export class AdminModule {}

import { Module } from '@nestjs/common';
import { ImagesService } from './images.service';

/** Needs AppConfig in scope (ConfigModule is global). */
@Module({
  providers: [ImagesService],
  exports: [ImagesService],
})
export class ImagesModule {}

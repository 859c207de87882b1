import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { AppConfig, ConfigModule, parseConfig } from '@app/config';
import { ImagesModule } from './images.module';
import { ImagesService } from './images.service';
import { pngWithDeclaredSize } from './testing/test-images';

describe('ImagesModule', () => {
  it('provides ImagesService wired to AppConfig limits', async () => {
    const config = parseConfig({ IMAGE_MAX_DIMENSION: '100' }) as AppConfig;
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), ImagesModule] }).compile();
    const images = moduleRef.get(ImagesService);
    await expect(images.inspect(pngWithDeclaredSize(101, 10))).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    await moduleRef.close();
  });
});

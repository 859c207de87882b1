import { Module } from '@nestjs/common';
import { ImagesModule } from '@app/images';
import { EmbeddedAvatarGenerator } from './providers/embedded/avatar/embedded-avatar-generator';
import { EmbeddedBackgroundRemover } from './providers/embedded/background/embedded-background-remover';
import { HuggingFaceBackgroundRemover } from './providers/huggingface/hf-background-remover';
import { HuggingFaceClient } from './providers/huggingface/hf-client';
import { HuggingFaceImageGenerator } from './providers/huggingface/hf-image-generator';
import { OnnxBackgroundRemover } from './providers/onnx/onnx-background-remover';
import { AiProviderRegistry } from './registry/ai-provider.registry';

/** AI providers behind one registry. Needs AppConfig in scope (ConfigModule is global). */
@Module({
  imports: [ImagesModule],
  providers: [
    HuggingFaceClient,
    HuggingFaceImageGenerator,
    HuggingFaceBackgroundRemover,
    OnnxBackgroundRemover,
    EmbeddedBackgroundRemover,
    EmbeddedAvatarGenerator,
    AiProviderRegistry,
  ],
  exports: [AiProviderRegistry],
})
export class AiProvidersModule {}

import type { ModelAvailability } from '@app/ai-providers';
import { capabilitiesOf, defaultSide, readGenerationParams, type ProjectWithSummary } from '@app/avatar-creator';
import type { AiModel, Avatar, AvatarGeneration } from '@app/prisma';
import type { AvatarGenerationDto } from './dto/avatar-generation.dto';
import type { AvatarModelDto } from './dto/avatar-model.dto';
import type { AvatarProjectDto } from './dto/avatar-project.dto';
import type { AvatarDto } from './dto/avatar.dto';

export function toAvatarModelDto(model: AiModel, serving: ModelAvailability): AvatarModelDto {
  const caps = capabilitiesOf(model);
  return {
    modelKey: model.modelKey,
    name: model.name,
    description: model.description,
    tier: model.tier,
    creditCost: model.creditCost,
    width: defaultSide(caps.width),
    height: defaultSide(caps.height),
    servedBy: { providerId: serving.providerId, available: serving.available, substitute: serving.substitute },
  };
}

export function toProjectDto(project: ProjectWithSummary): AvatarProjectDto {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    avatarCount: project._count.avatars,
    latestThumbnails: project.avatars.map((a) => a.thumbnailUrl),
    createdAt: project.createdAt,
    updatedAt: project.updatedAt,
  };
}

export function toAvatarDto(avatar: Avatar): AvatarDto {
  return {
    id: avatar.id,
    projectId: avatar.projectId,
    name: avatar.name,
    source: avatar.source,
    imageUrl: avatar.imageUrl,
    thumbnailUrl: avatar.thumbnailUrl,
    width: avatar.width,
    height: avatar.height,
    generationId: avatar.generationId,
    createdAt: avatar.createdAt,
  };
}

export function toGenerationDto(generation: AvatarGeneration, avatarId: string | null): AvatarGenerationDto {
  const params = readGenerationParams(generation.params);
  return {
    id: generation.id,
    projectId: generation.projectId,
    status: generation.status,
    isPreview: generation.isPreview,
    modelKey: generation.modelKey,
    provider: generation.provider,
    name: generation.name,
    prompt: generation.prompt,
    negativePrompt: generation.negativePrompt,
    width: params.width,
    height: params.height,
    seed: params.seed,
    creditCharged: generation.creditCharged,
    outputUrl: generation.outputUrl,
    thumbnailUrl: generation.thumbnailUrl,
    avatarId,
    errorCode: generation.errorCode,
    errorMessage: generation.errorMessage,
    attempts: generation.attempts,
    savedAt: generation.savedAt,
    expiresAt: generation.expiresAt,
    createdAt: generation.createdAt,
    startedAt: generation.startedAt,
    completedAt: generation.completedAt,
  };
}


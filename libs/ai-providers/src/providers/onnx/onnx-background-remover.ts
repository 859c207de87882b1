import { existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { Tensor } from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { AppConfig } from '@app/config';
import { ImagesService } from '@app/images';
import {
  AlphaMask,
  AvailabilityCheck,
  BackgroundRemovalRequest,
  BackgroundRemover,
  CatalogModel,
  ProviderAvailability,
  ProviderError,
} from '../../ai-provider.types';
import { ModelFileChecker } from '../../models/model-file-check';
import { findModelByFile, pullCommand } from '../../models/model-registry';
import { OnnxProfile, resolveOnnxProfile } from './onnx-profiles';
import { cpuSessionLoader, OnnxSessionCache, SessionLoader } from './onnx-session-cache';
import { RunGate } from './run-gate';
import { maskFromOutput, toNchw } from './onnx-tensor';

/** Overrides how sessions are created (tests count loads). */
export const ONNX_SESSION_LOADER = Symbol('ONNX_SESSION_LOADER');

/**
 * Self-hosted background removal with ONNX Runtime (CPU): U²-Net / IS-Net / RMBG / BiRefNet class models from
 * `${MODELS_DIR}/${providerModel}`, preprocessed per profile (onnx-profiles.ts). The model dominates the time
 * (seconds for a 1024² IS-Net on 2 cores); pre/post-processing is tens of milliseconds.
 */
@Injectable()
export class OnnxBackgroundRemover implements BackgroundRemover, AvailabilityCheck, OnModuleDestroy {
  readonly providerId = 'onnx';
  private readonly sessions: OnnxSessionCache;
  /** ONNX_CONCURRENT_RUNS model runs at once; pre/post-processing of other jobs overlaps them. */
  private readonly runs: RunGate;
  /** Registry models' files: stat per readiness call, checksum once per file version (in the background). */
  private readonly modelFiles = new ModelFileChecker();

  constructor(
    private readonly config: AppConfig,
    private readonly images: ImagesService,
    @Optional() @Inject(ONNX_SESSION_LOADER) loader?: SessionLoader,
  ) {
    this.sessions = new OnnxSessionCache(
      loader ?? cpuSessionLoader({ intraOpThreads: config.ONNX_INTRA_OP_THREADS, interOpThreads: config.ONNX_INTER_OP_THREADS }),
    );
    this.runs = new RunGate(config.ONNX_CONCURRENT_RUNS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.sessions.releaseAll();
  }

  async availability(model: CatalogModel): Promise<ProviderAvailability> {
    let profile: OnnxProfile;
    let path: string;
    try {
      profile = resolveOnnxProfile(model);
      path = this.modelPath(model);
    } catch (err) {
      return { available: false, detail: (err as Error).message };
    }
    const described = `ONNX model file ${path} (profile ${profile.name}, ${profile.inputWidth}×${profile.inputHeight})`;
    const entry = findModelByFile(model.providerModel);
    if (!entry) {
      // Not a registry model (placed by hand): only its presence can be checked.
      if (await fileExists(path)) return { available: true, detail: described };
      return { available: false, detail: `model file ${path} not found` };
    }
    const file = await this.modelFiles.check(entry, path);
    switch (file.state) {
      case 'missing':
        return { available: false, detail: `model file ${path} not found`, remedy: pullCommand(entry) };
      case 'corrupt':
        return { available: false, detail: `model file ${path} is not ${entry.name}: ${file.reason}`, remedy: pullCommand(entry) };
      case 'pending':
        return { available: true, detail: `${described}; ${entry.checksum.algorithm} check pending` };
      case 'verified':
        return { available: true, detail: `${described}; ${entry.checksum.algorithm} verified` };
    }
  }

  /** Resolves when every background checksum check started by availability() has finished. */
  modelFileChecks(): Promise<void> {
    return this.modelFiles.settled();
  }

  async removeBackground(request: BackgroundRemovalRequest): Promise<AlphaMask> {
    request.signal?.throwIfAborted();
    const profile = resolveOnnxProfile(request.model);
    const path = this.modelPath(request.model);
    if (!(await fileExists(path))) throw new ProviderError(`ONNX model file ${path} not found`, false);
    const session = await this.sessions.get(path);
    assertInputSize(session, profile, path);

    const rgb = await this.images.toRgbResized(request.image, profile.inputWidth, profile.inputHeight);
    const input = new Tensor('float32', toNchw(rgb.data, rgb.width, rgb.height, profile), [
      1,
      3,
      profile.inputHeight,
      profile.inputWidth,
    ]);
    request.signal?.throwIfAborted();
    const outputName = session.outputNames[profile.outputIndex];
    if (!outputName) {
      throw new ProviderError(`${path} has ${session.outputNames.length} output(s); profile wants #${profile.outputIndex}`, false);
    }
    let outputs: InferenceSession.OnnxValueMapType;
    try {
      outputs = await this.runs.run(async () => {
        request.signal?.throwIfAborted(); // it may have waited for the gate: a cancelled job does not run the model
        try {
          return await session.run({ [session.inputNames[0]!]: input }, [outputName]);
        } catch (err) {
          throw new ProviderError(`ONNX inference failed for ${path}: ${(err as Error).message}`, false);
        }
      });
    } finally {
      input.dispose();
    }
    const output = outputs[outputName]!;
    if (output.type !== 'float32') throw new ProviderError(`${path} output is ${output.type}, expected float32`, false);
    const mask = maskFromOutput(output.data as Float32Array, output.dims, profile.postprocess);
    output.dispose();
    request.signal?.throwIfAborted();
    return this.images.resizeMask(mask, rgb.sourceWidth, rgb.sourceHeight);
  }

  /** Whether the row's model file is installed (a cheap stat; its checksum is checked by availability()). */
  hasModelFile(model: CatalogModel): boolean {
    try {
      return existsSync(this.modelPath(model));
    } catch {
      return false;
    }
  }

  /** The catalogue names a file inside MODELS_DIR; anything resolving outside it is refused. */
  private modelPath(model: CatalogModel): string {
    const dir = resolve(this.config.MODELS_DIR);
    const path = resolve(dir, model.providerModel);
    const rel = relative(dir, path);
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) {
      throw new ProviderError(`ONNX model "${model.providerModel}" is not a file inside MODELS_DIR`, false);
    }
    return path;
  }
}

/** A model with fixed input dims must match the profile, or its output would be garbage (or ORT would throw). */
function assertInputSize(session: InferenceSession, profile: OnnxProfile, path: string): void {
  const meta = session.inputMetadata[0];
  if (!meta?.isTensor) return;
  const [, channels, height, width] = meta.shape;
  const mismatch = (declared: unknown, wanted: number) => typeof declared === 'number' && declared > 0 && declared !== wanted;
  if (meta.shape.length !== 4 || mismatch(channels, 3) || mismatch(height, profile.inputHeight) || mismatch(width, profile.inputWidth)) {
    throw new ProviderError(
      `${path} expects input [${meta.shape.join(', ')}], profile ${profile.name} gives [1, 3, ${profile.inputHeight}, ${profile.inputWidth}]`,
      false,
    );
  }
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

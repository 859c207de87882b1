import { existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
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
import { InProcessOnnxRunner, OnnxModelInfo, OnnxRunner, OnnxRunOutput } from './onnx-runner';
import { cpuSessionOptions, SessionLoader } from './onnx-session-cache';
import { OnnxThreadRunner } from './onnx-thread-runner';
import { RunGate } from './run-gate';
import { OnnxInputEncoder } from './onnx-input-encoder';
import { OnnxMaskDecoder } from './onnx-mask-decoder';
import { Float32Pool } from './float32-pool';

/** Overrides how sessions are created (tests count loads); such sessions run on the calling thread. */
export const ONNX_SESSION_LOADER = Symbol('ONNX_SESSION_LOADER');

/**
 * Self-hosted background removal with ONNX Runtime (CPU): U²-Net / IS-Net / RMBG / BiRefNet class models from
 * `${MODELS_DIR}/${providerModel}`, preprocessed per profile (onnx-profiles.ts). The model dominates the time
 * (seconds for a 1024² IS-Net on 2 cores); pre- and post-processing take a few milliseconds in small ONNX graphs
 * (OnnxInputEncoder, OnnxMaskDecoder). Models run on their own thread (OnnxThreadRunner), so the process's event loop
 * — other jobs' image work and I/O — keeps going meanwhile.
 */
@Injectable()
export class OnnxBackgroundRemover implements BackgroundRemover, AvailabilityCheck, OnModuleDestroy {
  readonly providerId = 'onnx';
  private readonly runner: OnnxRunner;
  /** ONNX_CONCURRENT_RUNS model runs at once; pre/post-processing of other jobs overlaps them. */
  private readonly runs: RunGate;
  /** Model inputs and outputs are reused from job to job (see Float32Pool). */
  private readonly buffers = new Float32Pool();
  /** The image → the model's input, and its output → the image's alpha, in ONNX Runtime beside the model. */
  private readonly inputs = new OnnxInputEncoder();
  private readonly masks = new OnnxMaskDecoder();
  /** Registry models' files: stat per readiness call, checksum once per file version (in the background). */
  private readonly modelFiles = new ModelFileChecker();

  constructor(
    private readonly config: AppConfig,
    private readonly images: ImagesService,
    @Optional() @Inject(ONNX_SESSION_LOADER) loader?: SessionLoader,
  ) {
    const threads = { intraOpThreads: config.ONNX_INTRA_OP_THREADS, interOpThreads: config.ONNX_INTER_OP_THREADS };
    this.runner = loader ? new InProcessOnnxRunner(loader) : new OnnxThreadRunner(cpuSessionOptions(threads), config.ONNX_CONCURRENT_RUNS);
    this.runs = new RunGate(config.ONNX_CONCURRENT_RUNS);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.runner.release(), this.inputs.release(), this.masks.release()]);
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
    const model = await this.runner.load(path);
    assertInputSize(model, profile, path);
    const inputName = model.inputNames[0]!;
    const outputName = model.outputNames[profile.outputIndex];
    if (!outputName) {
      throw new ProviderError(`${path} has ${model.outputNames.length} output(s); profile wants #${profile.outputIndex}`, false);
    }

    // Decoded once by the caller (the worker's job); bytes from anyone else are validated and decoded here.
    const source = Buffer.isBuffer(request.image) ? await this.images.decode(request.image) : request.image;
    const input = await this.inputs.encode(source, profile, this.buffers.take(3 * profile.inputWidth * profile.inputHeight));
    const dims = [1, 3, profile.inputHeight, profile.inputWidth];
    const output = await this.runs.run(async (): Promise<OnnxRunOutput> => {
      // Checked again after the gate: a job cancelled while it waited does not run the model.
      if (request.signal?.aborted) this.buffers.give(input);
      request.signal?.throwIfAborted();
      const outputBuffer = this.buffers.take(profile.inputWidth * profile.inputHeight); // the usual mask size: reused when it fits
      try {
        return await this.runner.run({ path, inputName, input, dims, outputName, outputBuffer });
      } catch (err) {
        if (err instanceof ProviderError) throw err;
        throw new ProviderError(`ONNX inference failed for ${path}: ${(err as Error).message}`, false);
      }
    });
    this.buffers.give(output.input);
    if (output.type !== 'float32' || !output.data) throw new ProviderError(`${path} output is ${output.type}, expected float32`, false);
    request.signal?.throwIfAborted();
    try {
      return await this.masks.toAlpha(output.data, output.dims, profile.postprocess, source.width, source.height);
    } finally {
      this.buffers.give(output.data);
    }
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
function assertInputSize(model: OnnxModelInfo, profile: OnnxProfile, path: string): void {
  const meta = model.firstInput;
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

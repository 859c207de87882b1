import { Tensor } from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { OnnxSessionCache, SessionLoader } from './onnx-session-cache';

/** What the provider needs to know about a loaded model. */
export interface OnnxModelInfo {
  inputNames: readonly string[];
  outputNames: readonly string[];
  /** The first input's metadata (shape checked against the profile); undefined for a model without inputs. */
  firstInput?: { isTensor: boolean; shape: readonly (number | string)[] };
}

/** One output of a run: float32 data (a copy owned by the caller), or just its type when it is not float32. */
export interface OnnxRunOutput {
  type: string;
  dims: readonly number[];
  data?: Float32Array;
  /** The request's input buffer, handed back for reuse (the runner no longer uses it). */
  input?: Float32Array;
}

export interface OnnxRunRequest {
  path: string;
  inputName: string;
  /** NCHW float32; ownership passes to the runner (a thread runner moves its buffer without copying) until it is handed back. */
  input: Float32Array;
  dims: readonly number[];
  outputName: string;
  /** A buffer the output may be written into when its length fits (saves an allocation per run); ownership passes too. */
  outputBuffer?: Float32Array;
}

/**
 * Loads models (one session per file, reused; a failed load is not remembered) and runs them. A model that cannot be
 * loaded rejects with a permanent ProviderError "Could not load ONNX model …"; a failed run with a plain Error carrying
 * ONNX Runtime's message (the provider words it).
 */
export interface OnnxRunner {
  load(path: string): Promise<OnnxModelInfo>;
  run(request: OnnxRunRequest): Promise<OnnxRunOutput>;
  release(): Promise<void>;
}

/**
 * Runs sessions on the calling thread. onnxruntime-node's `run` is synchronous native code behind a setImmediate, so
 * the event loop stands still for the whole run: kept for an injected session loader (tests), not used by default
 * (see OnnxThreadRunner).
 */
export class InProcessOnnxRunner implements OnnxRunner {
  private readonly sessions: OnnxSessionCache;

  constructor(loader: SessionLoader) {
    this.sessions = new OnnxSessionCache(loader);
  }

  async load(path: string): Promise<OnnxModelInfo> {
    return modelInfo(await this.sessions.get(path));
  }

  async run(request: OnnxRunRequest): Promise<OnnxRunOutput> {
    const session = await this.sessions.get(request.path);
    const input = new Tensor('float32', request.input, [...request.dims]);
    try {
      const outputs = await session.run({ [request.inputName]: input }, [request.outputName]);
      const output = outputs[request.outputName]!;
      if (output.type === 'float32') return { type: output.type, dims: output.dims, data: output.data as Float32Array, input: request.input };
      output.dispose();
      return { type: output.type, dims: output.dims, input: request.input };
    } finally {
      input.dispose();
    }
  }

  release(): Promise<void> {
    return this.sessions.releaseAll();
  }
}

export function modelInfo(session: InferenceSession): OnnxModelInfo {
  const first = session.inputMetadata[0];
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    firstInput: first ? { isTensor: first.isTensor, shape: first.isTensor ? first.shape : [] } : undefined,
  };
}

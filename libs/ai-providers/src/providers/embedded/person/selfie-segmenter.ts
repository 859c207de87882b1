import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { RgbaPixels } from '../background/subject-segmentation';
import { findSelfieModelFile } from './selfie-model-file';
import { SELFIE_SIZE, selfieInput } from './selfie-preprocessing';

/** Person probability per pixel of the model's square grid (row-major, SELFIE_SIZE²). */
export interface PersonProbability {
  data: Float32Array;
  size: number;
}

export interface PersonSegmenter {
  /** Undefined when the model cannot be used here (file missing, runtime failure): callers go classical. */
  segment(img: RgbaPixels): Promise<PersonProbability | undefined>;
}

/**
 * Runs the bundled MediaPipe Selfie Segmentation ONNX model with onnxruntime-node. The session is created on
 * first use (most processes never remove a background) and shared for the life of the process; a model that
 * fails to load is reported once and not retried on every request.
 */
export class SelfieSegmenter implements PersonSegmenter {
  private session?: Promise<InferenceSession | undefined>;

  constructor(
    /** null: no model file (the default when the bundled file is absent). */
    private readonly modelFile: string | null = findSelfieModelFile() ?? null,
    private readonly warn: (message: string) => void = (m) => console.warn(m),
  ) {}

  async segment(img: RgbaPixels): Promise<PersonProbability | undefined> {
    const session = await this.load();
    if (!session) return undefined;
    const input = new Tensor('float32', selfieInput(img), [1, SELFIE_SIZE, SELFIE_SIZE, 3]);
    const result = await session.run({ [session.inputNames[0]!]: input });
    const output = result[session.outputNames[0]!]!;
    const data = output.data as Float32Array;
    if (data.length !== SELFIE_SIZE * SELFIE_SIZE) {
      throw new Error(`person model returned ${data.length} values, expected ${SELFIE_SIZE * SELFIE_SIZE}`);
    }
    return { data, size: SELFIE_SIZE };
  }

  private load(): Promise<InferenceSession | undefined> {
    this.session ??= (async () => {
      if (!this.modelFile) {
        this.warn('embedded remover: person model file not found; using classical removal only');
        return undefined;
      }
      try {
        // One thread: CPU work scales by worker processes here (as sharp.concurrency(1)); the model is small.
        return await InferenceSession.create(this.modelFile, {
          executionProviders: ['cpu'],
          graphOptimizationLevel: 'all',
          intraOpNumThreads: 1,
        });
      } catch (err) {
        this.warn(`embedded remover: person model failed to load (${(err as Error).message}); using classical removal only`);
        return undefined;
      }
    })();
    return this.session;
  }
}

let shared: SelfieSegmenter | undefined;

/** One segmenter (hence one ONNX session) per process. */
export function sharedSelfieSegmenter(): SelfieSegmenter {
  shared ??= new SelfieSegmenter();
  return shared;
}

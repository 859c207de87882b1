import type { InferenceSession } from 'onnxruntime-node';

/**
 * The small graphs around a model (OnnxInputEncoder, OnnxMaskDecoder): one intra-op thread, run on the calling thread
 * (onnxruntime-node's `run` is synchronous behind a setImmediate; these take a few ms), beside the model's own threads.
 */
export const SMALL_GRAPH_SESSION_OPTIONS: InferenceSession.SessionOptions = {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
};
